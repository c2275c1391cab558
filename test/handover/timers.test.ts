/**
 * Durable timers under a fake clock: an honest update after 15 minutes unclaimed, expiry after 48 hours with a last
 * message pointing to other help, nothing for claimed conversations, and due times that survive a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { wire } from '../../src/main.ts';
import { webClient } from '../helpers/app.ts';
import { ROOT } from '../helpers/engine.ts';
import { CONTENT_DIR, choicesOf, fakeClock, serve, sseReader, textsOf } from './support.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function config(dataDir: string) {
  return loadConfig({ DATA_DIR: dataDir, CONTENT_DIR, LOCALES_DIR: join(ROOT, 'locales'), LOG_LEVEL: 'silent', PORT: '0' });
}

describe('handover timers (fake clock, real SQLite file)', () => {
  it('sends an honest update after 15 minutes, expires after 48 hours, and survives a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wegwijs-timers-'));
    dirs.push(dataDir);
    const clock = fakeClock();
    const first = await serve(await wire(config(dataDir), { clock }));
    const user = webClient(first.url);
    await user.send({ command: 'start' });
    await user.send({ choice: 'lang:nl' });
    await user.send({ choice: 'nav:person' });
    await user.send({ choice: 'hv:yes' });
    await user.send({ choice: 'hv:skip' });
    await user.send({ choice: 'hv:any' });
    const queued = await user.send({ choice: 'hv:skip' });
    // No helpers at all: said at once, with the alternatives.
    const q = textsOf(queued.json.messages ?? []);
    expect(q).toContain('geen sleutelpersoon voor jouw taal');
    expect(q).toContain('huisartsenpost');
    expect(q).toContain('113');
    expect(q).toContain('112');
    await first.stop();

    // Restart: a new process on the same database; the user's browser reconnects with the same cookie.
    const wired = await wire(config(dataDir), { clock });
    const second = await serve(wired);
    const events = await sseReader(`${second.url}/api/chat/events`, user.cookie);
    expect(events.status).toBe(200);
    clock.advance(14 * 60_000);
    expect(await wired.handover.runTimers()).toBe(0);
    clock.advance(2 * 60_000);
    expect(await wired.handover.runTimers()).toBe(1);
    const update = await events.until((e) => textsOf((e.data as { messages: unknown[] }).messages).includes('Na 15 minuten'));
    expect(choicesOf((update.data as { messages: unknown[] }).messages)).toContain('hv:stop');
    expect(await wired.handover.runTimers()).toBe(0);

    clock.advance(48 * 3_600_000);
    expect(await wired.handover.runTimers()).toBe(1);
    const expired = await events.until((e) => textsOf((e.data as { messages: unknown[] }).messages).includes('op tijd beantwoorden'));
    expect(textsOf((expired.data as { messages: unknown[] }).messages)).toContain('huisartsenpost');
    const [conv] = await wired.store.listConversations({});
    expect(conv).toMatchObject({ status: 'expired', closedBy: 'timer' });
    expect(await wired.store.dueTimers(clock.t + 1e9, 10)).toEqual([]);
    // The bot answers normally again.
    const again = await fetch(`${second.url}/api/chat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: user.cookie },
      body: JSON.stringify({ text: 'huisarts' }),
    });
    expect(((await again.json()) as { messages: unknown[] }).messages.length).toBeGreaterThan(0);
    events.close();
    await second.stop();
  });

  it('does not bother a user whose conversation was claimed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wegwijs-timers-'));
    dirs.push(dataDir);
    const clock = fakeClock();
    const wired = await wire(config(dataDir), { clock });
    const app = await serve(wired);
    const { helper } = await wired.handover.accounts.add({ name: 'Hawa', languages: ['so'], regions: ['*'], schedule: 'mo-su 00:00-24:00' });
    const user = webClient(app.url);
    await user.send({ command: 'start' });
    await user.send({ choice: 'lang:so' });
    await user.send({ choice: 'nav:person' });
    await user.send({ choice: 'hv:yes' });
    await user.send({ choice: 'hv:skip' });
    await user.send({ choice: 'hv:any' });
    await user.send({ choice: 'hv:skip' });
    const [conv] = await wired.store.listConversations({});
    const events = await sseReader(`${app.url}/api/chat/events`, user.cookie);
    expect((await wired.handover.helpers.claim(helper, conv?.id ?? '')).ok).toBe(true);
    await events.until(() => true);
    const before = events.events.length;
    clock.advance(72 * 3_600_000);
    expect(await wired.handover.runTimers()).toBe(0);
    expect(events.events.length).toBe(before);
    expect((await wired.store.getConversation(conv?.id ?? ''))?.status).toBe('active');
    events.close();
    await app.stop();
  });
});
