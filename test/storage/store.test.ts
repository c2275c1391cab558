import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/index.ts';
import { MIGRATIONS, migrate } from '../../src/storage/migrations.ts';
import { createSqliteDriver } from '../../src/storage/sqlite-driver.ts';
import { openPgStore, TEST_PG_URL } from '../helpers/pg.ts';
import { storeContract } from './contract.ts';
import { retentionContract } from './retention-contract.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sqliteFile = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wegwijs-store-'));
  dirs.push(dir);
  return openStore({ dataDir: dir });
};
storeContract('sqlite (file)', sqliteFile);
retentionContract('sqlite (file)', sqliteFile);

// PostgreSQL when TEST_DATABASE_URL is set: each store in its own schema, dropped on close (test/helpers/pg.ts).
if (TEST_PG_URL) {
  const pg = () => openPgStore('t');
  storeContract('postgres', pg);
  retentionContract('postgres', pg);
}

describe('sqlite persistence', () => {
  it('keeps sessions across a restart (reopening the file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wegwijs-restart-'));
    dirs.push(dir);
    const a = await openStore({ dataDir: dir });
    await a.saveSession({ userKey: 'u', channel: 'web', data: '{"v":1}', updatedAt: 5 });
    await a.close();
    const b = await openStore({ dataDir: dir });
    expect((await b.getSession('u'))?.data).toBe('{"v":1}');
    await b.close();
  });

  it('applies migrations once', async () => {
    const db = createSqliteDriver(':memory:');
    expect(await migrate(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
    await db.close();
  });
});

import { createMemoryStore } from '../helpers/memory-store.ts';

storeContract('memory fake (used by engine tests)', async () => createMemoryStore());
retentionContract('memory fake (used by engine tests)', async () => createMemoryStore());
