/**
 * PostgreSQL through `pg`. Queries written with `?` placeholders are rewritten to `$n`.
 * Locks are session-level advisory locks on a dedicated connection.
 * @see https://node-postgres.com/apis/pool
 */
import pg from 'pg';
import type { SqlDriver, SqlValue } from './driver.ts';
import { shortHashInt } from './lock-key.ts';

export function toPgPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let inStr = false;
  for (const ch of sql) {
    if (ch === "'") inStr = !inStr;
    out += ch === '?' && !inStr ? `$${++n}` : ch;
  }
  return out;
}

type Queryable = { query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[]; rowCount: number | null }> };

function wrap(q: Queryable, pool: pg.Pool | null, schema: string | null): SqlDriver {
  let ended: Promise<void> | null = null;
  const d: SqlDriver = {
    dialect: 'postgres',
    async query<T>(sql: string, params: SqlValue[] = []) {
      return (await q.query(toPgPlaceholders(sql), params)).rows as T[];
    },
    async run(sql, params = []) {
      return (await q.query(toPgPlaceholders(sql), params)).rowCount ?? 0;
    },
    async exec(sql) {
      await q.query(sql);
    },
    async transaction(fn) {
      if (!pool) return fn(d);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const r = await fn(wrap(client, null, schema));
        await client.query('COMMIT');
        return r;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async withLock(name, fn) {
      if (!pool) return fn();
      const client = await pool.connect();
      const key = shortHashInt(`${schema ?? ''}:${name}`);
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {});
        client.release();
      }
    },
    async close() {
      // Idempotent, like the SQLite driver: shutdown paths may close twice.
      if (pool) await (ended ??= pool.end());
    },
  };
  return d;
}

/** Connects to PostgreSQL. With `schema`, every connection uses (and creates) that schema. */
export async function createPgDriver(url: string, opts: { schema?: string; max?: number } = {}): Promise<SqlDriver & { pool: pg.Pool }> {
  const schema = opts.schema ?? null;
  if (schema) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('invalid schema name');
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } catch (e) {
      // Instances starting together race: IF NOT EXISTS still fails for the loser of the catalog insert.
      if (!isDuplicateObject(e)) throw e;
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  // An idle connection that breaks (database restart, network) must not crash the process: the pool drops it and the
  // next query opens a new one. Without a listener, Node turns this 'error' event into an uncaught exception.
  pool.on('error', () => {});
  return Object.assign(wrap(pool, pool, schema), { pool });
}

/** unique_violation (23505) or duplicate_schema (42P06): what a concurrent `CREATE ... IF NOT EXISTS` can raise. */
export function isDuplicateObject(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === '23505' || code === '42P06' || code === '42P07';
}
