/**
 * The PubSub port: in-process (SQLite, one instance) always; PostgreSQL LISTEN/NOTIFY between two "instances"
 * (two stores and two PubSubs on one schema) when TEST_DATABASE_URL is set: delivery to the other instance, own
 * messages once, order, payloads above NOTIFY's 8000-byte limit, isolation per schema, and reconnecting after the
 * listening connection was cut.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { PubSub } from '../../src/core/ports.ts';
import { openStore } from '../../src/storage/index.ts';
import { createPgPubSub, MAX_NOTIFY_BYTES, type PgPubSub } from '../../src/storage/pg-pubsub.ts';
import { createLocalPubSub } from '../../src/storage/pubsub.ts';
import type { SqlStore } from '../../src/storage/sql-store.ts';
import { captureLogger } from '../helpers/engine.ts';
import { dropPgSchema, pgSchemaName, TEST_PG_URL } from '../helpers/pg.ts';

const waitFor = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('pubsub: in-process', () => {
  it('delivers to every subscriber of the topic at once, survives a throwing one, and unsubscribes', async () => {
    const ps = createLocalPubSub();
    const got: unknown[] = [];
    ps.subscribe('web', () => {
      throw new Error('broken connection');
    });
    const off = ps.subscribe('web', (p) => got.push(p));
    ps.subscribe('other', () => got.push('wrong topic'));
    await ps.publish('web', { k: 'u1', m: [] });
    expect(got).toEqual([{ k: 'u1', m: [] }]);
    off();
    await ps.publish('web', { k: 'u2' });
    expect(got).toHaveLength(1);
    await ps.close();
  });
});

describe.skipIf(!TEST_PG_URL)('pubsub: PostgreSQL LISTEN/NOTIFY between instances', () => {
  const schemas: string[] = [];
  const open: (PubSub | SqlStore)[] = [];
  afterAll(async () => {
    for (const o of open.reverse()) await o.close().catch(() => {});
    for (const s of schemas) await dropPgSchema(s);
  });

  async function instance(schema: string): Promise<{ store: SqlStore; ps: PgPubSub; logger: ReturnType<typeof captureLogger> }> {
    const url = TEST_PG_URL ?? '';
    const store = await openStore({ databaseUrl: url, dataDir: '', schema });
    const logger = captureLogger();
    const ps = await createPgPubSub({ url, schema, db: store.db, logger, reconnect: { minMs: 50, maxMs: 200 } });
    open.push(store, ps);
    return { store, ps, logger };
  }
  const newSchema = () => {
    const s = pgSchemaName('ps');
    schemas.push(s);
    return s;
  };

  it('delivers to the other instance, and to the publishing one exactly once, in order', async () => {
    const schema = newSchema();
    const a = await instance(schema);
    const b = await instance(schema);
    const atA: unknown[] = [];
    const atB: unknown[] = [];
    a.ps.subscribe('web', (p) => atA.push(p));
    b.ps.subscribe('web', (p) => atB.push(p));
    for (let i = 0; i < 50; i++) void a.ps.publish('web', { n: i });
    await waitFor(() => atB.length === 50);
    await new Promise((r) => setTimeout(r, 100));
    expect(atB).toEqual(Array.from({ length: 50 }, (_, i) => ({ n: i })));
    expect(atA).toEqual(atB);
  });

  it('carries payloads above the NOTIFY limit through the spill table, intact', async () => {
    const schema = newSchema();
    const a = await instance(schema);
    const b = await instance(schema);
    const big = { k: 'user', m: [{ kind: 'text', text: 'طبيب العائلة · ትግርኛ · Українська '.repeat(400) }] };
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(MAX_NOTIFY_BYTES);
    const atB: unknown[] = [];
    b.ps.subscribe('web', (p) => atB.push(p));
    await a.ps.publish('web', { small: 1 });
    await a.ps.publish('web', big);
    await a.ps.publish('web', { small: 2 });
    await waitFor(() => atB.length === 3);
    expect(atB).toEqual([{ small: 1 }, big, { small: 2 }]);
    const spilled = await a.store.db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM pubsub_spill');
    expect(Number(spilled[0]?.n)).toBe(1);
  });

  it('keeps deployments in different schemas apart', async () => {
    const a = await instance(newSchema());
    const other = await instance(newSchema());
    const got: unknown[] = [];
    other.ps.subscribe('web', (p) => got.push(p));
    await a.ps.publish('web', { x: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual([]);
  });

  it('reconnects and listens again after its connection was cut', async () => {
    const schema = newSchema();
    const a = await instance(schema);
    const b = await instance(schema);
    const atB: unknown[] = [];
    b.ps.subscribe('handover', (p) => atB.push(p));
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    const cut = await admin.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [b.ps.applicationName]);
    await admin.end();
    expect(cut.rows).toHaveLength(1);
    await waitFor(() => !b.ps.listening());
    await waitFor(() => b.ps.listening());
    await a.ps.publish('handover', { type: 'waiting' });
    await waitFor(() => atB.length === 1);
    const events = b.logger.lines.map((l) => (l.obj as { event?: string }).event);
    expect(events).toContain('pubsub_listen_lost');
    expect(events).toContain('pubsub_listen_restored');
  });
});
