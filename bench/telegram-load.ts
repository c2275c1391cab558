/**
 * Load run for the Telegram channel:
 *   npx --no node bench/telegram-load.ts [--updates 5000] [--users 250] [--connections 40]
 *
 * The main thread runs only the app: the real webhook route (express on port 0) and `wire()` with SQLite in a temp
 * data dir. A worker thread runs the fake Bot API server and the load client, so that they do not take the app's
 * event loop (the machine's second core).
 *
 * The client sends N updates from U simulated users over 40 parallel connections (Telegram's default
 * `max_connections`); a user's updates arrive in order, the next as soon as the webhook answered (not waiting for
 * the replies); every 10th update of a user is delivered twice (same update_id). The default of 250 users (20
 * updates each) keeps everybody under the engine's flood guard (30 messages a minute), so every update takes the
 * full path.
 *
 * Printed: throughput, p50/p99 of the webhook response and of update → its last reply at the Bot API, and the
 * number of duplicate sends (must be 0). Expected sends per update come from running the same script through the
 * engine and the renderer for separate calibration users first; any surplus at the fake server is a duplicate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Update } from 'grammy/types';

const SECRET = 'load-test-secret_0123456789';
const REDELIVER_EVERY = 10;

interface Plan {
  userId: number;
  steps: { update: Update; count: number }[];
}
interface Job {
  webhookUrl: string;
  plans: Plan[];
  total: number;
  connections: number;
}
interface Result {
  posted: number;
  redeliveries: number;
  status200: number;
  statusOther: number;
  webhookSeconds: number;
  repliesSeconds: number;
  webhookMs: number[];
  replyMs: number[];
  sends: number;
  expectedSends: number;
  missing: number;
  /** Updates the engine answered with nothing (its flood guard), not counting redeliveries. */
  unanswered: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0) : 0;
};

/** Worker: fake Bot API + load client. */
async function runWorker(): Promise<void> {
  const { startFakeTelegram } = await import('../test/helpers/fake-telegram.ts');
  const fake = await startFakeTelegram();
  const port = parentPort;
  if (!port) throw new Error('no parent port');
  port.postMessage({ type: 'fake', apiRoot: fake.apiRoot, token: fake.token });
  const job = await new Promise<Job>((r) => port.once('message', r));

  const posted: { chatId: number; cumulative: number | null; start: number; webhookMs: number }[] = [];
  let status200 = 0;
  let statusOther = 0;
  async function post(update: Update): Promise<number> {
    const started = performance.now();
    const res = await fetch(job.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    await res.arrayBuffer();
    if (res.status === 200) status200++;
    else statusOther++;
    return performance.now() - started;
  }

  const t0 = performance.now();
  const epoch = Date.now() - t0;
  const cumulative = new Map<number, number>();
  let total = 0;
  const perUser = Math.max(...job.plans.map((p) => p.steps.length));
  await Promise.all(
    Array.from({ length: Math.min(job.connections, job.plans.length) }, async (_, ci) => {
      const mine = job.plans.filter((_, ui) => ui % job.connections === ci);
      for (let k = 0; k < perUser; k++) {
        for (const p of mine) {
          const step = p.steps[k];
          if (!step || total >= job.total) continue;
          total++;
          const sum = (cumulative.get(p.userId) ?? 0) + step.count;
          cumulative.set(p.userId, sum);
          const start = performance.now();
          posted.push({ chatId: p.userId, cumulative: sum, start, webhookMs: await post(step.update) });
          if ((k + 1) % REDELIVER_EVERY === 0 && total < job.total) {
            total++;
            const again = performance.now();
            posted.push({ chatId: p.userId, cumulative: null, start: again, webhookMs: await post(step.update) });
          }
        }
      }
    }),
  );
  const webhookDone = performance.now();
  const expectedSends = [...cumulative.values()].reduce((a, b) => a + b, 0);
  let sendCalls = fake.calls.filter((c) => c.method.startsWith('send') && c.status === 200);
  const deadline = Date.now() + 120_000;
  while (sendCalls.length < expectedSends && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    sendCalls = fake.calls.filter((c) => c.method.startsWith('send') && c.status === 200);
  }
  const repliesDone = performance.now();
  await new Promise((r) => setTimeout(r, 1_000)); // room for duplicates to show up
  sendCalls = fake.calls.filter((c) => c.method.startsWith('send') && c.status === 200);

  const byChat = new Map<number, number[]>();
  for (const c of sendCalls) {
    const chat = Number(c.params.chat_id);
    byChat.set(chat, [...(byChat.get(chat) ?? []), c.at - epoch]);
  }
  const replyMs: number[] = [];
  let missing = 0;
  let unanswered = 0;
  const last = new Map<number, number>();
  for (const p of posted) {
    if (p.cumulative === null) continue;
    const before = last.get(p.chatId) ?? 0;
    last.set(p.chatId, p.cumulative);
    if (p.cumulative === before) {
      unanswered++;
      continue;
    }
    const at = byChat.get(p.chatId)?.[p.cumulative - 1];
    if (at === undefined) missing++;
    else replyMs.push(at - p.start);
  }
  const result: Result = {
    posted: posted.length,
    redeliveries: posted.filter((p) => p.cumulative === null).length,
    status200,
    statusOther,
    webhookSeconds: (webhookDone - t0) / 1000,
    repliesSeconds: (repliesDone - t0) / 1000,
    webhookMs: posted.map((p) => p.webhookMs),
    replyMs,
    sends: sendCalls.length,
    expectedSends,
    missing,
    unanswered,
  };
  await fake.close();
  port.postMessage({ type: 'result', result });
}

/** Main thread: the app, calibration, and the report. */
async function runMain(): Promise<void> {
  const arg = (name: string, def: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : def;
  };
  const N = arg('updates', 5000);
  const USERS = arg('users', 250);
  const CONNECTIONS = arg('connections', 40);
  const root = join(import.meta.dirname, '..');
  const { translateUpdate } = await import('../src/channels/telegram/inbound.ts');
  const { renderOutbound } = await import('../src/channels/telegram/render.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { wire } = await import('../src/main.ts');
  const { createUserKeys } = await import('../src/privacy/user-key.ts');
  const { tg } = await import('../test/helpers/fake-telegram-updates.ts');
  const { contentDirForTests } = await import('../test/helpers/fake-telegram-app.ts');

  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'load' } });
  const messages: { type: string; [k: string]: unknown }[] = [];
  const waiters: (() => void)[] = [];
  worker.on('message', (m) => {
    messages.push(m);
    for (const w of waiters.splice(0)) w();
  });
  worker.on('error', (e) => {
    console.error(e);
    process.exit(1);
  });
  const next = async (type: string) => {
    for (;;) {
      const i = messages.findIndex((m) => m.type === type);
      if (i >= 0) return messages.splice(i, 1)[0] as { type: string; [k: string]: unknown };
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const fake = (await next('fake')) as unknown as { apiRoot: string; token: string };

  const USER_KEY_SECRET = 'l'.repeat(48);
  const dataDir = mkdtempSync(join(tmpdir(), 'wegwijs-tgload-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    CONTENT_DIR: process.env.CONTENT_DIR ?? contentDirForTests(),
    LOCALES_DIR: join(root, 'locales'),
    LOG_LEVEL: 'silent',
    CONTENT_WATCH: 'false',
    USER_KEY_SECRET,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: fake.apiRoot,
  });
  const wired = await wire(config);
  const server = wired.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const snapshot = wired.content.current();
  const marker = snapshot.marker;
  const cat = snapshot.categories.find((c) => c.topics.includes('huisarts'))?.id ?? snapshot.categories[0]?.id ?? '';
  const otherCat = snapshot.categories.at(-1)?.id ?? cat;
  const locales = snapshot.locales.map((l) => l.code);
  const perUser = Math.ceil(N / USERS);

  /** One user's script: commands, buttons, free text, a stale button and a crisis message. */
  const script = (userId: number, locale: string): Update[] => {
    const u = { userId, languageCode: locale };
    const cycle = [
      () => tg.text(u, '/start'),
      () => tg.callback(u, `lang:${locale}`),
      () => tg.callback(u, `cat:${cat}~${marker}`),
      () => tg.callback(u, `topic:huisarts~${marker}`),
      () => tg.text(u, 'how do I find a doctor'),
      () => tg.callback(u, 'nav:menu'),
      () => tg.callback(u, `cat:${otherCat}~old0`),
      () => tg.text(u, '/help'),
      () => tg.callback(u, 'nav:back'),
      () => tg.text(u, 'I cannot sleep and I want to die'),
    ];
    return Array.from({ length: perUser }, (_, i) => cycle[i % cycle.length]?.() as unknown as Update);
  };

  // Calibration: Bot API sends per step and locale, through the same engine and renderer.
  const keyOf = createUserKeys(USER_KEY_SECRET);
  const expected = new Map<string, number[]>();
  for (const [i, locale] of locales.entries()) {
    const counts: number[] = [];
    for (const update of script(9_000_000 + i, locale)) {
      const tr = translateUpdate(update);
      if (tr.kind !== 'inbound') throw new Error('calibration: unexpected update');
      const out = await wired.engine.handle({
        ...tr.payload,
        channel: 'telegram',
        userKey: keyOf('telegram', `cal-${i}`),
        messageId: `cal-${update.update_id}`,
      });
      const ops = out.flatMap((m) => renderOutbound(m, { mediaDir: join(config.CONTENT_DIR, 'media'), t: (_l, k) => k }));
      counts.push(ops.length);
    }
    expected.set(locale, counts);
  }
  const plans: Plan[] = Array.from({ length: USERS }, (_, ui) => {
    const userId = 100_000 + ui;
    const locale = locales[ui % locales.length] ?? 'en';
    const counts = expected.get(locale) ?? [];
    return { userId, steps: script(userId, locale).map((update, k) => ({ update, count: counts[k] ?? 0 })) };
  });

  const job: Job = { webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`, plans, total: N, connections: CONNECTIONS };
  worker.postMessage(job);
  const { result } = (await next('result')) as unknown as { result: Result };
  await worker.terminate();

  const f = (x: number) => `${x.toFixed(1)} ms`;
  const duplicates = Math.max(0, result.sends - result.expectedSends);
  console.log(`telegram load run, ${new Date().toISOString().slice(0, 10)}`);
  console.log(`content: ${config.CONTENT_DIR.replace(root, '.')} (${snapshot.version}, ${locales.length} locales); store: SQLite file`);
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), node ${process.version}`);
  console.log(
    `updates: ${result.posted} from ${USERS} users over ${Math.min(CONNECTIONS, USERS)} connections (${result.redeliveries} redeliveries); webhook 200: ${result.status200}, other: ${result.statusOther}`,
  );
  console.log(
    `throughput: ${(result.posted / result.webhookSeconds).toFixed(0)} updates/s accepted by the webhook; ${(result.posted / result.repliesSeconds).toFixed(0)} updates/s until the last reply was at the Bot API`,
  );
  console.log(`webhook response: p50 ${f(pct(result.webhookMs, 50))}, p99 ${f(pct(result.webhookMs, 99))}, max ${f(Math.max(...result.webhookMs))}`);
  console.log(
    `update → last reply at the Bot API: p50 ${f(pct(result.replyMs, 50))}, p99 ${f(pct(result.replyMs, 99))}, max ${f(Math.max(...result.replyMs))}`,
  );
  console.log(`updates answered with nothing (engine flood guard): ${result.unanswered}`);
  console.log(`Bot API sends: ${result.sends} (expected ${result.expectedSends}); duplicate sends: ${duplicates}; missing replies: ${result.missing}`);

  server.closeAllConnections();
  server.close();
  await wired.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exitCode = duplicates === 0 && result.missing === 0 && result.statusOther === 0 ? 0 : 1;
}

if (isMainThread) await runMain();
else if ((workerData as { role?: string })?.role === 'load') await runWorker();
