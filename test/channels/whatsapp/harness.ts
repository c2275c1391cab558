/**
 * Test harness for the WhatsApp channel: the real channel (router, intake, worker, renderer, Graph client) over
 * a real SQLite file, a real engine over test content, and the fake Graph API on 127.0.0.1. Webhooks are posted
 * over HTTP from recorded-shape fixtures (test/fixtures/whatsapp), signed with a test secret.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWhatsAppChannel, type WhatsAppChannel } from '../../../src/channels/whatsapp/channel.ts';
import { sign } from '../../../src/channels/whatsapp/signature.ts';
import { type TemplateConfig, templateLanguages } from '../../../src/channels/whatsapp/template.ts';
import type { ContentSnapshot } from '../../../src/core/content-types.ts';
import { createEngine, type Engine } from '../../../src/core/engine.ts';
import { createHttpApp } from '../../../src/http/app.ts';
import { createI18n } from '../../../src/i18n/i18n.ts';
import { createUserKeys } from '../../../src/privacy/user-key.ts';
import { createCrisisDetector } from '../../../src/search/crisis.ts';
import { createMatcher } from '../../../src/search/matcher.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { SqlStore } from '../../../src/storage/sql-store.ts';
import { captureLogger, loadSnapshot, MINI, ROOT } from '../../helpers/engine.ts';
import { type FakeGraph, startFakeGraph } from '../../helpers/fake-graph.ts';

export const SECRET = 'test-app-secret-for-signatures';
export const VERIFY = 'test-verify-token-123';
export const PHONE_ID = '106540352242922';
export const USER_A = '15555550101';
export const USER_B = '15555550102';
const FIXTURES = join(ROOT, 'test', 'fixtures', 'whatsapp');
const KEY_SECRET = 'k'.repeat(40);

/** A fixture with its `__KEY__` placeholders filled in: `"__KEY__"` becomes a JSON value, `__KEY__` inside a string its text. */
export function fixture(name: string, vars: Record<string, string | number> = {}): string {
  let raw = readFileSync(join(FIXTURES, `${name}.json`), 'utf8');
  const all: Record<string, string | number> = { PHONE_NUMBER_ID: PHONE_ID, FROM: USER_A, TS: Math.floor(Date.now() / 1000), ...vars };
  for (const [k, v] of Object.entries(all)) {
    raw = raw.replaceAll(`"__${k}__"`, k === 'TS' ? JSON.stringify(String(v)) : JSON.stringify(v));
    raw = raw.replaceAll(`__${k}__`, JSON.stringify(String(v)).slice(1, -1));
  }
  return raw;
}

let wamids = 0;
export const nextWamid = () => `wamid.HBgLMTU1NTU1NTAxMDEVAgASGBQz${Date.now().toString(36)}${(++wamids).toString(36).padStart(4, '0')}`;

export const userKeyOf = (waId: string) => createUserKeys(KEY_SECRET)('whatsapp', waId);

export interface Harness {
  url: string;
  graph: FakeGraph;
  store: SqlStore;
  channel: WhatsAppChannel;
  engine: Engine;
  snapshot: ContentSnapshot;
  /** Real time plus an offset that tests move forward (`advance`), so backoff timers still run. */
  clock: { offset: number; now(): number; advance(ms: number): void };
  logger: ReturnType<typeof captureLogger>;
  template: TemplateConfig;
  /** Posts a signed raw body; returns the HTTP status. */
  post(raw: string, signature?: string | null): Promise<number>;
  /** Posts a fixture as a message from `from` (default USER_A) with a fresh wamid unless given. */
  send(name: string, vars?: Record<string, string | number>): Promise<{ status: number; wamid: string }>;
  /** Waits until the worker has nothing due. */
  settle(): Promise<void>;
  /** Simulates a process restart: stops the worker and server, reopens the database file, builds everything anew. */
  restart(opts?: { start?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  contentDir?: string;
  start?: boolean;
  publicUrl?: string;
  mediaDir?: string;
  leaseMs?: number;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const graph = await startFakeGraph();
  const dir = mkdtempSync(join(tmpdir(), 'wegwijs-wa-'));
  const snapshot = loadSnapshot(opts.contentDir ?? MINI);
  const i18n = await createI18n(join(ROOT, 'locales'));
  const logger = captureLogger();
  const clock = {
    offset: 0,
    now() {
      return Date.now() + this.offset;
    },
    advance(ms: number) {
      this.offset += ms;
    },
  };
  const template: TemplateConfig = { name: 'wegwijs_reply_waiting', languages: templateLanguages(), fallback: 'en', button: true };
  const matcher = createMatcher(snapshot);
  const crisis = createCrisisDetector(snapshot.crisis);

  const h = { graph, clock, logger, template, snapshot } as Harness;
  let server: Server;

  async function build(start: boolean) {
    const store = await openStore({ dataDir: dir });
    const engine = createEngine({
      store,
      content: { current: () => snapshot },
      matcher,
      crisis,
      notifier: { requestHuman: async () => ({ status: 'unavailable', messageKey: 'handover.coming_soon' }) },
      clock,
      i18n,
      logger,
    });
    const channel = createWhatsAppChannel({
      token: graph.token,
      phoneNumberId: PHONE_ID,
      appSecret: SECRET,
      verifyToken: VERIFY,
      apiBase: graph.url,
      apiVersion: 'v23.0',
      template,
      publicUrl: opts.publicUrl,
      mediaDir: opts.mediaDir ?? join(opts.contentDir ?? MINI, 'media'),
      store,
      engine,
      userKey: createUserKeys(KEY_SECRET),
      i18n,
      clock,
      logger,
      worker: { pollMs: 15, retryBaseMs: 20, retryMaxMs: 80, leaseMs: opts.leaseMs ?? 60_000 },
      bodyLimit: '64kb',
    });
    const app = createHttpApp({ logger, readiness: { check: async () => ({ ok: true }) }, routers: [channel.router] });
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    h.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    h.store = store;
    h.engine = engine;
    h.channel = channel;
    if (start) await channel.start();
  }

  async function teardown() {
    await h.channel.stop();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await h.store.close();
  }

  h.post = async (raw, signature) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const sig = signature === undefined ? sign(Buffer.from(raw), SECRET) : signature;
    if (sig !== null) headers['x-hub-signature-256'] = sig;
    const res = await fetch(`${h.url}/webhooks/whatsapp`, { method: 'POST', headers, body: raw });
    await res.text();
    return res.status;
  };
  h.send = async (name, vars = {}) => {
    const wamid = String(vars.WAMID ?? nextWamid());
    const status = await h.post(fixture(name, { TS: Math.floor(clock.now() / 1000), ...vars, WAMID: wamid }));
    return { status, wamid };
  };
  h.settle = async () => {
    await h.channel.worker.idle();
  };
  h.restart = async (o = {}) => {
    await teardown();
    await build(o.start ?? true);
  };
  h.close = async () => {
    await teardown();
    await graph.close();
    rmSync(dir, { recursive: true, force: true });
  };
  await build(opts.start ?? true);
  return h;
}
