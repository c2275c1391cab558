import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openStore } from '../../src/storage/index.ts';
import { createMemoryStore } from '../helpers/memory-store.ts';
import { openPgStore, TEST_PG_URL } from '../helpers/pg.ts';
import { handoverStoreContract } from '../storage/handover-contract.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

handoverStoreContract('sqlite (file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wegwijs-hstore-'));
  dirs.push(dir);
  return openStore({ dataDir: dir });
});

// PostgreSQL when TEST_DATABASE_URL is set: each store in its own schema, dropped on close (test/helpers/pg.ts).
if (TEST_PG_URL) handoverStoreContract('postgres', () => openPgStore('h'));

handoverStoreContract('memory fake', async () => createMemoryStore());
