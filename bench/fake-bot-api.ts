/**
 * A lean fake Telegram Bot API for the benchmark: the real protocol (`POST /bot<token>/<method>`, JSON bodies,
 * `{ok:true,result}`), no recording of payloads, and a callback per message sent so the load generator knows when a
 * user's answer has arrived. It runs in the load generator's process, never in the app's. `measureCapacity` checks
 * that it is not the bottleneck: it measures how many sendMessage calls a second it answers on its own.
 * @see https://core.telegram.org/bots/api#making-requests
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export const BENCH_TOKEN = '123456789:BENCH-token_abcdefghijklmnopqrstuvwxyz';
const BOT = { id: 123456789, is_bot: true, first_name: 'wegwijs bench', username: 'wegwijs_bench_bot', can_join_groups: false };

export interface BenchFake {
  apiRoot: string;
  token: string;
  /** Called for every message sent (sendMessage, sendPhoto, ...): chat id, its text or caption, arrival time. */
  onSend: ((chatId: number, text: string, at: number) => void) | null;
  /** API calls answered so far, and how many of them sent a message. */
  stats(): { calls: number; sends: number };
  close(): Promise<void>;
}

export async function startBenchFake(token = BENCH_TOKEN): Promise<BenchFake> {
  let calls = 0;
  let sends = 0;
  let messageId = 1;
  const prefix = `/bot${token}/`;
  const fake: BenchFake = {
    apiRoot: '',
    token,
    onSend: null,
    stats: () => ({ calls, sends }),
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls++;
      const url = req.url ?? '';
      const answer = (status: number, body: unknown) => {
        const data = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
        res.end(data);
      };
      if (!url.startsWith(prefix)) return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const method = url.slice(prefix.length).split('?')[0] ?? '';
      let p: Record<string, unknown> = {};
      if ((req.headers['content-type'] ?? '').includes('application/json') && chunks.length) {
        try {
          p = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          return answer(400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
        }
      }
      if (method === 'getMe') return answer(200, { ok: true, result: BOT });
      if (method.startsWith('send')) {
        sends++;
        const chat = Number(p.chat_id);
        const text = String(p.text ?? p.caption ?? '');
        fake.onSend?.(chat, text, performance.now());
        return answer(200, {
          ok: true,
          result: { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private' }, text },
        });
      }
      return answer(200, { ok: true, result: true });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return fake;
}

/**
 * Blasts sendMessage calls at the fake from a worker thread (its own core) over `connections` keep-alive connections
 * for `seconds`, and returns the calls answered per second.
 */
export async function measureCapacity(fake: BenchFake, seconds = 3, connections = 50): Promise<number> {
  const before = fake.stats().sends;
  const saved = fake.onSend;
  fake.onSend = () => {};
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'blast', apiRoot: fake.apiRoot, token: fake.token, seconds, connections } });
  const done = await new Promise<{ ok: number; ms: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  fake.onSend = saved;
  return ((fake.stats().sends - before) / done.ms) * 1000;
}

async function blast(): Promise<void> {
  const { apiRoot, token, seconds, connections } = workerData as { apiRoot: string; token: string; seconds: number; connections: number };
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const body = JSON.stringify({
    chat_id: 1,
    text: 'capacity check',
    parse_mode: 'HTML',
    reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'nav:menu' }]] },
  });
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  let ok = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(
        `${apiRoot}/bot${token}/sendMessage`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) ok++;
            resolve();
          });
        },
      );
      req.on('error', () => resolve());
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  agent.destroy();
  parentPort?.postMessage({ ok, ms: performance.now() - t0 });
}

if (!isMainThread && (workerData as { role?: string })?.role === 'blast') await blast();
