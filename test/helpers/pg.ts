/**
 * PostgreSQL for tests: only when TEST_DATABASE_URL is set (CI sets it). Every store gets its own schema, dropped
 * again when the store is closed, so runs never see each other's rows and leave nothing behind.
 */
import pg from 'pg';
import { openStore } from '../../src/storage/index.ts';
import type { SqlStore } from '../../src/storage/sql-store.ts';

export const TEST_PG_URL = process.env.TEST_DATABASE_URL || undefined;

let n = 0;
/** A fresh schema name: prefix, process id, time and a counter (lower-case, ≤ 63 characters). */
export function pgSchemaName(prefix = 't'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${n++}`.toLowerCase().slice(0, 63);
}

export async function dropPgSchema(schema: string, url = TEST_PG_URL): Promise<void> {
  if (!url) return;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

/** Opens a migrated store in a new schema; `close()` also drops the schema. */
export async function openPgStore(prefix = 't', url = TEST_PG_URL): Promise<SqlStore> {
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const schema = pgSchemaName(prefix);
  const store = await openStore({ databaseUrl: url, dataDir: '', schema });
  const close = store.close.bind(store);
  return Object.assign(store, {
    async close() {
      try {
        await close();
      } finally {
        await dropPgSchema(schema, url);
      }
    },
  });
}
