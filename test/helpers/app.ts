/** Starts the real wired app on a free port for HTTP and browser tests. */

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { type Wired, type WireOptions, wire } from '../../src/main.ts';
import { ROOT } from './engine.ts';
import { dropPgSchema, pgSchemaName, TEST_PG_URL } from './pg.ts';

export interface RunningApp {
  url: string;
  wired: Wired;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * With TEST_APP_STORE=postgres (and TEST_DATABASE_URL), apps that would use in-memory SQLite run on PostgreSQL in a
 * schema of their own instead: `TEST_APP_STORE=postgres TEST_DATABASE_URL=... npx vitest run` checks every app-level
 * test against PostgreSQL (see README, Development).
 */
const appsOnPostgres = process.env.TEST_APP_STORE === 'postgres' && Boolean(TEST_PG_URL);

export async function startApp(env: Record<string, string> = {}, opts: WireOptions = {}): Promise<RunningApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wegwijs-app-'));
  const schema = appsOnPostgres && opts.memory ? pgSchemaName('app') : null;
  const config = loadConfig({
    DATA_DIR: dataDir,
    CONTENT_DIR: join(ROOT, 'content'),
    LOCALES_DIR: join(ROOT, 'locales'),
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...env,
    ...(schema && TEST_PG_URL ? { DATABASE_URL: TEST_PG_URL, DATABASE_SCHEMA: schema } : {}),
  });
  const wired = await wire(config, schema ? { ...opts, memory: false } : opts);
  const server = wired.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wired,
    dataDir,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await wired.close();
      if (schema) await dropPgSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A tiny cookie-keeping client for the web chat API. */
export function webClient(base: string) {
  let cookie = '';
  return {
    async send(body: unknown, raw?: string): Promise<{ status: number; json: { messages?: unknown[]; error?: string } }> {
      const res = await fetch(`${base}/api/chat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: raw ?? JSON.stringify(body),
      });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0] ?? '';
      return { status: res.status, json: (await res.json()) as { messages?: unknown[]; error?: string } };
    },
    get cookie() {
      return cookie;
    },
  };
}
