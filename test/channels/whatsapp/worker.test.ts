import { describe, expect, it } from 'vitest';
import type { DeliverResult } from '../../../src/channels/whatsapp/delivery.ts';
import { createIntakeWorker } from '../../../src/channels/whatsapp/worker.ts';
import type { IntakeItem } from '../../../src/core/ports.ts';
import { captureLogger } from '../../helpers/engine.ts';
import { createMemoryStore } from '../../helpers/memory-store.ts';

const clock = { now: () => Date.now() };

async function setup(process: (item: IntakeItem) => Promise<DeliverResult>) {
  const store = createMemoryStore();
  const logger = captureLogger();
  const worker = createIntakeWorker({ store, channel: 'whatsapp', process, clock, logger, pollMs: 5, retryBaseMs: 1, retryMaxMs: 4 });
  return { store, logger, worker };
}

const add = (store: ReturnType<typeof createMemoryStore>, id: string, user = 'u') =>
  store.intakeAdd({ channel: 'whatsapp', messageId: id, userKey: user, kind: 'in', payload: '{}', at: Date.now() });

const until = async (cond: () => Promise<boolean>) => {
  for (let i = 0; i < 400 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 5));
  expect(await cond()).toBe(true);
};

describe('intake worker', () => {
  it('retries a row whose processing threw, with backoff, and finishes it', async () => {
    let calls = 0;
    const t = await setup(async (item) => {
      if (++calls < 3) throw new Error('database hiccup');
      await t.store.intakeUpdate(item.id, { state: 'done' });
      return { status: 'done' };
    });
    await add(t.store, 'w1');
    t.worker.start();
    await until(async () => (await t.store.intakeCounts('whatsapp')).done === 1);
    await t.worker.stop();
    expect(calls).toBe(3);
    expect(t.logger.lines.filter((l) => (l.obj as { event?: string }).event === 'wa_process_error')).toHaveLength(2);
  });

  it('gives a row up after too many errors, logs and counts it, and goes on with the next', async () => {
    const seen: string[] = [];
    const t = await setup(async (item) => {
      seen.push(item.messageId);
      if (item.messageId === 'bad') throw new Error('always');
      await t.store.intakeUpdate(item.id, { state: 'done' });
      return { status: 'done' };
    });
    await add(t.store, 'bad');
    await add(t.store, 'next');
    t.worker.start();
    await until(async () => (await t.store.intakeCounts('whatsapp')).done === 1);
    await t.worker.stop();
    expect(await t.store.intakeCounts('whatsapp')).toEqual({ new: 0, ready: 0, done: 1, failed: 1 });
    expect(seen.filter((s) => s === 'bad')).toHaveLength(5);
    expect(seen.at(-1)).toBe('next');
    expect(await t.store.counters('whatsapp_gave_up', 0)).toEqual([expect.objectContaining({ key: 'error', count: 1 })]);
  });

  it('backs off on rate limits many times before giving up, so nothing is lost', async () => {
    let calls = 0;
    const t = await setup(async () => {
      calls++;
      return { status: 'retry', retry: 'rate', code: 130429 };
    });
    await add(t.store, 'r1');
    t.worker.start();
    await until(async () => (await t.store.intakeCounts('whatsapp')).failed === 1);
    await t.worker.stop();
    expect(calls).toBe(40);
  });

  it('stops cleanly, and idle() resolves when nothing is due', async () => {
    const t = await setup(async (item) => {
      await t.store.intakeUpdate(item.id, { state: 'done' });
      return { status: 'done' };
    });
    await expect(t.worker.idle()).resolves.toBeUndefined();
    t.worker.start();
    await add(t.store, 'a');
    t.worker.nudge();
    await t.worker.idle();
    expect((await t.store.intakeCounts('whatsapp')).done).toBe(1);
    await t.worker.stop();
    expect(t.worker.running).toBe(false);
  });
});
