/**
 * The PubSub port: in-process for SQLite (one instance), PostgreSQL LISTEN/NOTIFY when the store is PostgreSQL.
 * `src/main.ts` creates it once per instance with `createPubSub`.
 */
import type { Logger, PubSub } from '../core/ports.ts';
import { createPgPubSub } from './pg-pubsub.ts';
import type { SqlStore } from './sql-store.ts';
import { createTopics } from './topics.ts';

/** One instance: publish delivers synchronously to the subscribers of this process. */
export function createLocalPubSub(): PubSub {
  const topics = createTopics();
  return {
    async publish(topic, payload) {
      topics.deliver(topic, payload);
    },
    subscribe: (topic, fn) => topics.add(topic, fn),
    async close() {
      topics.clear();
    },
  };
}

export interface PubSubOptions {
  store: SqlStore;
  databaseUrl?: string | undefined;
  schema?: string | undefined;
  logger: Logger;
}

/** PostgreSQL LISTEN/NOTIFY when the store runs on PostgreSQL, otherwise in-process. */
export async function createPubSub(opts: PubSubOptions): Promise<PubSub> {
  if (opts.store.db.dialect !== 'postgres' || !opts.databaseUrl) return createLocalPubSub();
  return createPgPubSub({ url: opts.databaseUrl, schema: opts.schema ?? null, db: opts.store.db, logger: opts.logger });
}
