/**
 * Several instances on one PostgreSQL schema (only when TEST_DATABASE_URL is set): starting together migrates once,
 * and every "exactly once" rule holds between separate connection pools — de-duplication, helper claims, the
 * daily job claim, timer leases, and the WhatsApp intake worker (two workers never process one row twice, and one
 * user's rows stay in order).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createIntakeWorker } from '../../src/channels/whatsapp/worker.ts';
import { loadConfig } from '../../src/config.ts';
import type { ConversationRow } from '../../src/core/handover-port.ts';
import { type Wired, wire } from '../../src/main.ts';
import { openStore } from '../../src/storage/index.ts';
import { MIGRATIONS } from '../../src/storage/migrations.ts';
import { createPgDriver } from '../../src/storage/pg-driver.ts';
import type { SqlStore } from '../../src/storage/sql-store.ts';
import { captureLogger, MINI, ROOT } from '../helpers/engine.ts';
import { dropPgSchema, pgSchemaName, TEST_PG_URL } from '../helpers/pg.ts';

const url = TEST_PG_URL ?? '';
const schemas: string[] = [];
const newSchema = () => {
  const s = pgSchemaName('mi');
  schemas.push(s);
  return s;
};
afterAll(async () => {
  for (const s of schemas) await dropPgSchema(s);
});

/** Two stores with their own pools on one schema: what two app instances see. */
async function twoInstances(): Promise<[SqlStore, SqlStore, () => Promise<void>]> {
  const schema = newSchema();
  const a = await openStore({ databaseUrl: url, dataDir: '', schema });
  const b = await openStore({ databaseUrl: url, dataDir: '', schema });
  return [a, b, async () => void (await Promise.all([a.close(), b.close()]))];
}

const conversation = (id: string): ConversationRow => ({
  id,
  userKey: `u-${id}`,
  channel: 'web',
  locale: 'ar',
  municipality: null,
  province: null,
  genderPreference: null,
  note: null,
  priority: 'normal',
  status: 'waiting',
  helperId: null,
  createdAt: 1000,
  claimedAt: null,
  closedAt: null,
  updatedAt: 1000,
  outcome: null,
  closedBy: null,
  rating: null,
  consentVersion: 'v1',
  topics: [],
  contentVersion: 'test',
  selfCheck: null,
});

describe.skipIf(!TEST_PG_URL)('several instances on one PostgreSQL schema', () => {
  it('three instances starting together on a fresh schema create it and migrate once', async () => {
    const schema = newSchema();
    const config = loadConfig({
      DATABASE_URL: url,
      DATABASE_SCHEMA: schema,
      USER_KEY_SECRET: 's'.repeat(48),
      CONTENT_DIR: MINI,
      LOCALES_DIR: join(ROOT, 'locales'),
      CONTENT_WATCH: 'false',
      LOG_LEVEL: 'silent',
    });
    const wired: Wired[] = await Promise.all([wire(config), wire(config), wire(config)]);
    try {
      const rows = await wired[0]?.store.db.query<{ version: number | string }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows?.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version).sort((x, y) => x - y));
      for (const w of wired) expect(await w.store.ping()).toBe(true);
    } finally {
      await Promise.all(wired.map((w) => w.close()));
    }
  });

  it('creating one schema from many connections at once never fails', async () => {
    const schema = newSchema();
    const drivers = await Promise.all(Array.from({ length: 6 }, () => createPgDriver(url, { schema })));
    await Promise.all(drivers.map((d) => d.close()));
    expect(drivers).toHaveLength(6);
  });

  it('de-duplicates, claims, runs the daily job and leases timers exactly once between instances', async () => {
    const [a, b, close] = await twoInstances();
    try {
      const both = <T>(fn: (s: SqlStore, i: number) => Promise<T>) => Promise.all(Array.from({ length: 8 }, (_, i) => fn(i % 2 ? b : a, i)));
      expect((await both((s) => s.markProcessed('telegram:4711', 1))).filter(Boolean)).toHaveLength(1);

      await a.createConversation(conversation('c1'));
      const claims = await both((s, i) => s.claimConversation('c1', `helper-${i}`, 2000 + i));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await b.getConversation('c1'))?.helperId).toBe(`helper-${claims.indexOf(true)}`);

      const day = 86_400_000;
      expect((await both((s, i) => s.claimJob('retention', day, 10 * day, `instance-${i}`))).filter(Boolean)).toHaveLength(1);
      expect((await both((s) => s.claimJob('retention', day, 10 * day + 5, 'late'))).filter(Boolean)).toHaveLength(0);
      expect((await both((s) => s.claimJob('retention', day, 11 * day, 'next day'))).filter(Boolean)).toHaveLength(1);

      await a.scheduleTimer({ id: 'c1:update', conversationId: 'c1', kind: 'update', dueAt: 500 });
      expect((await both((s) => s.takeTimer('c1:update', 1000, 60_000))).filter(Boolean)).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it('two WhatsApp intake workers process every row exactly once, and one user’s rows in order', async () => {
    const [a, b, close] = await twoInstances();
    const users = 12;
    const perUser = 15;
    for (let k = 0; k < perUser; k++) {
      for (let u = 0; u < users; u++) {
        await a.intakeAdd({ channel: 'whatsapp', messageId: `wamid.${u}.${k}`, userKey: `user-${u}`, kind: 'in', payload: '{}', at: Date.now() });
      }
    }
    const processed: { id: string; by: string }[] = [];
    const running = new Map<string, string>();
    let overlaps = 0;
    const make = (store: SqlStore, name: string) =>
      createIntakeWorker({
        store,
        channel: 'whatsapp',
        clock: { now: () => Date.now() },
        logger: captureLogger(),
        pollMs: 5,
        batch: 4,
        async process(item) {
          if (running.has(item.userKey)) overlaps++;
          running.set(item.userKey, item.messageId);
          await new Promise((r) => setTimeout(r, Math.random() * 4));
          processed.push({ id: item.messageId, by: name });
          running.delete(item.userKey);
          await store.intakeUpdate(item.id, { state: 'done' });
          return { status: 'done' };
        },
      });
    const wa = make(a, 'a');
    const wb = make(b, 'b');
    try {
      wa.start();
      wb.start();
      const end = Date.now() + 20_000;
      while ((await a.intakeCounts('whatsapp')).done < users * perUser && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      await Promise.all([wa.stop(), wb.stop()]);
      const ids = processed.map((p) => p.id);
      expect(ids).toHaveLength(users * perUser);
      expect(new Set(ids).size).toBe(users * perUser);
      expect(overlaps).toBe(0);
      for (let u = 0; u < users; u++) {
        const mine = ids.filter((id) => id.startsWith(`wamid.${u}.`)).map((id) => Number(id.split('.')[2]));
        expect(mine).toEqual([...mine].sort((x, y) => x - y));
      }
      // Both instances took part.
      expect(new Set(processed.map((p) => p.by)).size).toBe(2);
    } finally {
      await Promise.all([wa.stop(), wb.stop()]);
      await close();
    }
  });
});
