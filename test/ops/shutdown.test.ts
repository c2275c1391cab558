/**
 * Graceful shutdown of the real program (a child process running `src/main.ts`) on SIGTERM in the middle of load:
 * Telegram users in a closed loop (replies are slowed down by the fake Bot API, so many are still queued when the
 * signal comes) and web chat users. Every request the app accepted is answered — for Telegram: every reply reaches the
 * Bot API — requests after the signal get 503 or a refused connection (never a reset), the event stream is ended,
 * and the process exits with code 0.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../../src/storage/index.ts';
import { type ChildApp, startChildApp } from '../helpers/child-app.ts';
import { ROOT } from '../helpers/engine.ts';
import { type FakeTelegram, startFakeTelegram } from '../helpers/fake-telegram.ts';
import { contentDirForTests, USER_KEY_SECRET, WEBHOOK_SECRET } from '../helpers/fake-telegram-app.ts';
import { tg } from '../helpers/fake-telegram-updates.ts';

type Outcome = { kind: 'ok'; status: number; body: string } | { kind: 'refused' } | { kind: 'failed'; code: string };

/** One request on its own connection (no keep-alive), so a refused connection and a broken one can be told apart. */
function send(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const data = JSON.stringify(body);
    const req = request(
      `${url}${path}`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), connection: 'close', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ kind: 'ok', status: res.statusCode ?? 0, body: text }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ kind: 'failed', code: e.code ?? e.message }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'failed', code: e.code ?? e.message }));
    req.end(data);
  });
}

let fake: FakeTelegram;
let app: ChildApp | null = null;
const dataDir = mkdtempSync(join(tmpdir(), 'wegwijs-shutdown-'));
afterAll(async () => {
  await app?.stop(2000);
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('SIGTERM under load: every accepted message is answered, nothing is cut, exit code 0', async () => {
  fake = await startFakeTelegram();
  app = await startChildApp({
    DATA_DIR: dataDir,
    CONTENT_DIR: contentDirForTests(),
    LOCALES_DIR: join(ROOT, 'locales'),
    CONTENT_WATCH: 'false',
    USER_KEY_SECRET,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: fake.apiRoot,
    FLOOD_MAX_PER_MINUTE: '100000',
    SHUTDOWN_TIMEOUT_SECONDS: '20',
  });
  const url = app.url;
  const hook = { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET };
  const sentTo = (chat: number) => fake.ok('sendMessage').filter((c) => Number(c.params.chat_id) === chat).length;

  // Calibration: how many messages one `/start` (language picker) brings, before the Bot API is slowed down.
  const cal = 5000;
  expect(await send(url, '/webhooks/telegram', tg.text({ userId: cal }, '/start'), hook)).toMatchObject({ status: 200 });
  await fake.waitFor(() => sentTo(cal) > 0);
  await new Promise((r) => setTimeout(r, 300));
  const perUpdate = sentTo(cal);
  expect(perUpdate).toBeGreaterThan(0);
  fake.setDelay(250);

  // A web chat event stream that must be ended, not left hanging.
  const stream = await fetch(`${url}/api/chat/events`, {
    headers: { accept: 'text/event-stream', cookie: `wegwijs_sid=${'s'.repeat(32)}` },
  });
  expect(stream.status).toBe(200);
  const streamEnded = stream.text().then(() => true);

  let stopping = false;
  const failures: string[] = [];
  /** Requests whose connection broke without an answer: allowed only if the app never took them (checked below). */
  const broken: string[] = [];
  const accepted = new Map<number, number>();
  let refusedAfterSignal = 0;
  const telegramUser = async (chat: number) => {
    for (;;) {
      const update = tg.text({ userId: chat }, '/start');
      const r = await send(url, '/webhooks/telegram', update, hook);
      if (r.kind === 'refused' || (r.kind === 'ok' && r.status === 503)) return void refusedAfterSignal++;
      if (r.kind === 'failed' && stopping) {
        broken.push(`telegram:${update.update_id}`);
        return void refusedAfterSignal++;
      }
      if (r.kind === 'failed' || r.status !== 200) return void failures.push(`telegram ${r.kind === 'failed' ? r.code : r.status}`);
      const n = (accepted.get(chat) ?? 0) + 1;
      accepted.set(chat, n);
      // Closed loop: the next message only after this one's answer arrived (or the app has gone).
      await fake.waitFor(() => sentTo(chat) >= n * perUpdate || stopping, 20_000).catch(() => {});
    }
  };
  let webAnswered = 0;
  const webUser = async (i: number) => {
    const cookie = `wegwijs_sid=${String(i).padStart(24, 'w')}`;
    for (let n = 0; ; n++) {
      const id = `w${i}-${n}`;
      const r = await send(url, '/api/chat/messages', { command: 'start', id }, { cookie });
      if (r.kind === 'refused' || (r.kind === 'ok' && r.status === 503)) return void refusedAfterSignal++;
      if (r.kind === 'failed' && stopping) {
        broken.push(`web:${id}`);
        return void refusedAfterSignal++;
      }
      if (r.kind === 'failed' || r.status !== 200) return void failures.push(`web ${r.kind === 'failed' ? r.code : r.status}`);
      if (!((JSON.parse(r.body) as { messages?: unknown[] }).messages?.length ?? 0)) failures.push('web: empty answer');
      webAnswered++;
      // Below the web chat's per-address rate limit (a burst of 60), which all local test clients share.
      await new Promise((r) => setTimeout(r, 40));
    }
  };
  const load = Promise.all([...Array.from({ length: 24 }, (_, i) => telegramUser(6000 + i)), ...Array.from({ length: 2 }, (_, i) => webUser(i))]);
  await new Promise((r) => setTimeout(r, 1200));

  // Replies still on their way to the Bot API when the signal comes.
  const pendingAtSignal = [...accepted].filter(([chat, n]) => sentTo(chat) < n * perUpdate).length;
  const signalledAt = Date.now();
  app.proc.kill('SIGTERM');
  stopping = true;
  const exit = await app.exited;
  await load;
  const tookMs = Date.now() - signalledAt;

  expect(exit).toEqual({ code: 0, signal: null });
  expect(failures).toEqual([]);
  expect(pendingAtSignal).toBeGreaterThan(0);
  expect(webAnswered).toBeGreaterThan(0);
  expect(refusedAfterSignal).toBe(26);
  // Every accepted update got all of its replies, none twice.
  for (const [chat, n] of accepted) expect(sentTo(chat), `chat ${chat}`).toBe(n * perUpdate);
  expect(await streamEnded).toBe(true);
  expect(tookMs).toBeLessThan(15_000);
  const done = app.events('shutdown_done')[0];
  expect(done).toMatchObject({ drained: true });
  // A connection cut at the very end is fine only for a request the app never processed: its id is not marked.
  const store = await openStore({ dataDir });
  try {
    for (const key of broken) expect(await store.markProcessed(key, Date.now()), `${key} was processed but not answered`).toBe(true);
  } finally {
    await store.close();
  }
}, 60_000);
