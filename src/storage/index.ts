/**
 * Opens the configured store: PostgreSQL when a database URL is given, otherwise SQLite in the data directory.
 */
import { join } from 'node:path';
import { migrate } from './migrations.ts';
import { createPgDriver } from './pg-driver.ts';
import { createSqlStore, type SqlStore } from './sql-store.ts';
import { createSqliteDriver } from './sqlite-driver.ts';

export async function openStore(opts: { databaseUrl?: string | undefined; dataDir: string; schema?: string; memory?: boolean }): Promise<SqlStore> {
  const db = opts.memory
    ? createSqliteDriver(':memory:')
    : opts.databaseUrl
      ? await createPgDriver(opts.databaseUrl, opts.schema ? { schema: opts.schema } : {})
      : createSqliteDriver(join(opts.dataDir, 'wegwijs.sqlite'));
  await migrate(db);
  return createSqlStore(db);
}
