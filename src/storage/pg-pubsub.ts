/**
 * PubSub over PostgreSQL LISTEN/NOTIFY, so a browser connected to one instance sees what happened on another.
 * - One dedicated connection per instance LISTENs (a pooled connection cannot: it is handed to other queries);
 *   when it breaks (database restart, network), it reconnects with backoff and LISTENs again. Notifications sent
 *   while it was away are lost: live screens catch up on their next reload or reconnect.
 * - Publishing goes through the pool with `pg_notify`, one notification after the other, so the messages of one
 *   instance arrive in the order they were published.
 * - NOTIFY payloads are limited to 8000 bytes: a larger payload is written to `pubsub_spill` and only its id is
 *   sent; receivers read it from there. Spilled rows are deleted after ten minutes.
 * - The channel name includes the schema, so deployments and test runs sharing a database stay apart.
 * @see https://www.postgresql.org/docs/current/sql-notify.html
 * @see https://node-postgres.com/apis/client#notification
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger, PubSub } from '../core/ports.ts';
import type { SqlDriver } from './driver.ts';
import { shortHashInt } from './lock-key.ts';
import { createTopics } from './topics.ts';

/** Below PostgreSQL's 8000-byte NOTIFY limit, with room for the envelope. */
export const MAX_NOTIFY_BYTES = 7900;
const SPILL_KEEP_MS = 10 * 60_000;

export interface PgPubSubDeps {
  url: string;
  schema: string | null;
  /** The store's driver: publishes and reads spilled payloads through its pool. */
  db: SqlDriver;
  logger: Logger;
  /** Reconnect backoff of the listening connection (default 250 ms doubling up to 10 s). */
  reconnect?: { minMs: number; maxMs: number };
  maxNotifyBytes?: number;
}

export interface PgPubSub extends PubSub {
  /** True while the listening connection is up. */
  listening(): boolean;
  /** `application_name` of the listening connection (operators see it in pg_stat_activity; tests cut it). */
  readonly applicationName: string;
}

/** A LISTEN channel per schema (an identifier of at most 63 characters). */
export function pgChannel(schema: string | null): string {
  const name = `wegwijs_${schema ?? 'public'}`;
  return name.length <= 63 ? name : `wegwijs_${(shortHashInt(name) >>> 0).toString(36)}`;
}

type Envelope = { i: string; t: string; p?: unknown; s?: number };

export async function createPgPubSub(deps: PgPubSubDeps): Promise<PgPubSub> {
  const { db, logger } = deps;
  const channel = pgChannel(deps.schema);
  const instance = randomBytes(6).toString('base64url');
  const applicationName = `wegwijs-listen-${channel.slice(8, 40)}-${instance}`;
  const maxBytes = deps.maxNotifyBytes ?? MAX_NOTIFY_BYTES;
  const backoff = deps.reconnect ?? { minMs: 250, maxMs: 10_000 };
  const topics = createTopics();
  let client: pg.Client | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let delay = backoff.minMs;
  let outgoing: Promise<void> = Promise.resolve();
  let incoming: Promise<void> = Promise.resolve();

  async function receive(env: Envelope): Promise<void> {
    if (env.s === undefined) return topics.deliver(env.t, env.p);
    const rows = await db.query<{ body: string }>('SELECT body FROM pubsub_spill WHERE id = ?', [env.s]);
    if (rows[0]) topics.deliver(env.t, JSON.parse(rows[0].body));
  }

  function onNotification(msg: pg.Notification): void {
    if (msg.channel !== channel || !msg.payload) return;
    let env: Envelope;
    try {
      env = JSON.parse(msg.payload) as Envelope;
    } catch {
      return;
    }
    if (env.i === instance || typeof env.t !== 'string') return; // our own: already delivered locally
    // In order: a spilled payload is read from the database before the next notification is delivered.
    incoming = incoming.then(() => receive(env)).catch(() => logger.warn({ event: 'pubsub_receive_failed' }, 'pubsub message could not be read'));
  }

  function lost(c: pg.Client): void {
    c.removeAllListeners('notification');
    c.removeAllListeners('end');
    c.end().catch(() => {});
    if (client !== c) return; // still connecting: connect() reports and retries
    client = null;
    logger.warn({ event: 'pubsub_listen_lost' }, 'lost the LISTEN connection; reconnecting');
    schedule();
  }

  function schedule(): void {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delay);
    retryTimer.unref();
    delay = Math.min(backoff.maxMs, delay * 2);
  }

  async function connect(): Promise<void> {
    if (closed || client) return;
    const c = new pg.Client({ connectionString: deps.url, application_name: applicationName });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    c.on('notification', onNotification);
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch {
      c.removeAllListeners('end');
      c.end().catch(() => {});
      logger.warn({ event: 'pubsub_listen_failed' }, 'could not LISTEN; retrying');
      schedule();
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    if (delay > backoff.minMs) logger.info({ event: 'pubsub_listen_restored' }, 'LISTEN connection restored');
    delay = backoff.minMs;
    client = c;
  }

  async function send(topic: string, payload: unknown): Promise<void> {
    const text = JSON.stringify({ i: instance, t: topic, p: payload } satisfies Envelope);
    if (Buffer.byteLength(text, 'utf8') <= maxBytes) {
      await db.query('SELECT pg_notify(?, ?)', [channel, text]);
      return;
    }
    const now = Date.now();
    const rows = await db.query<{ id: number | string }>('INSERT INTO pubsub_spill (body, at) VALUES (?, ?) RETURNING id', [JSON.stringify(payload), now]);
    await db.query('SELECT pg_notify(?, ?)', [channel, JSON.stringify({ i: instance, t: topic, s: Number(rows[0]?.id) } satisfies Envelope)]);
  }

  // Spilled rows may carry a pseudonymous user key: they go after ten minutes, checked every minute.
  const prune = setInterval(() => {
    db.run('DELETE FROM pubsub_spill WHERE at < ?', [Date.now() - SPILL_KEEP_MS]).catch(() => {});
  }, 60_000);
  prune.unref();

  await connect();
  return {
    applicationName,
    listening: () => client !== null,
    async publish(topic, payload) {
      topics.deliver(topic, payload);
      const p = outgoing.then(() => send(topic, payload));
      outgoing = p.catch(() => {});
      // Best effort: this instance's subscribers have it; the others miss a live update, which a reload shows.
      await p.catch(() => logger.warn({ event: 'pubsub_publish_failed', topic }, 'pubsub message not sent to other instances'));
    },
    subscribe: (topic, fn) => topics.add(topic, fn),
    async close() {
      closed = true;
      clearInterval(prune);
      if (retryTimer) clearTimeout(retryTimer);
      await outgoing;
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners('end');
        await c.end().catch(() => {});
      }
      await incoming;
      topics.clear();
    },
  };
}
