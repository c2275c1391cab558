/**
 * A fake Telegram Bot API server on 127.0.0.1 for tests and the load run. It speaks the real protocol
 * (`POST /bot<token>/<method>` with JSON, urlencoded or multipart bodies; `{ok:true,result}` or
 * `{ok:false,error_code,description,parameters}`), records every call, can be scripted to fail the next calls
 * with 429 (`retry_after`) or 500, serves `getUpdates` from a queue with real long-polling semantics, and checks
 * the limits the real server enforces (4096 characters after entity parsing, 1-64 byte callback data, HTML that
 * parses).
 * @see https://core.telegram.org/bots/api#making-requests
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCall {
  method: string;
  params: Record<string, unknown>;
  /** Uploaded files (multipart), by field name. */
  files: Record<string, { filename: string; size: number }>;
  /** HTTP status the fake answered with. */
  status: number;
  at: number;
}

export type FailSpec = { code: 429; retryAfter: number } | { code: 500 } | { code: 400 | 403; description?: string };

export interface FakeTelegram {
  /** Root URL to pass as grammY's `client.apiRoot` / TELEGRAM_API_ROOT. */
  apiRoot: string;
  token: string;
  calls: FakeCall[];
  /** Successful calls of one method (failed attempts are in `calls` with their status). */
  ok(method: string): FakeCall[];
  /** The next `n` calls (of `method`, or of any method except getUpdates/getMe) fail as specified. */
  failNext(n: number, spec: FailSpec, method?: string): void;
  /** Delay in ms before answering send* methods (a slow Bot API). */
  setDelay(ms: number): void;
  /** Queues updates for `getUpdates`; `update_id`s are assigned when missing. */
  pushUpdates(...updates: Record<string, unknown>[]): void;
  /**
   * A webhook response that carries a method (`{"method":"answerCallbackQuery",...}`): Telegram runs it, so the fake
   * records it as a call. Returns true when the body was such a reply.
   * @see https://core.telegram.org/bots/api#making-requests-when-getting-updates
   */
  webhookReply(body: unknown): boolean;
  /** Highest offset confirmed by a getUpdates call. */
  confirmedOffset(): number;
  waitFor(pred: () => boolean, timeoutMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_TOKEN = '123456789:TEST-token_abcdefghijklmnopqrstuvwxyz';
export const FAKE_BOT = {
  id: 123456789,
  is_bot: true,
  first_name: 'wegwijs test',
  username: 'wegwijs_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

const TRUE_METHODS = new Set([
  'answerCallbackQuery',
  'setMyCommands',
  'deleteMyCommands',
  'setWebhook',
  'deleteWebhook',
  'editMessageReplyMarkup',
  'sendChatAction',
  'leaveChat',
  'close',
  'logOut',
]);
const HTML_TAGS = /<\/?(b|strong|i|em|u|ins|s|strike|del|code|pre|tg-spoiler|blockquote)>|<a href="[^"<>]*">|<\/a>/g;

async function readBody(req: IncomingMessage): Promise<{ params: Record<string, unknown>; files: FakeCall['files'] }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (!raw.length) return { params: {}, files: {} };
  if (type.includes('application/json')) return { params: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, files: {} };
  if (type.includes('application/x-www-form-urlencoded')) return { params: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))), files: {} };
  if (type.includes('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    const params: Record<string, unknown> = {};
    const files: FakeCall['files'] = {};
    const parts: FakeCall['files'] = {};
    form.forEach((v, k) => {
      if (typeof v === 'string') params[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
      else parts[k] = { filename: v.name, size: v.size };
    });
    // Files are referenced as `attach://<part>` from the field they belong to (grammY does this for every upload).
    for (const [k, v] of Object.entries(params)) {
      const ref = typeof v === 'string' && v.startsWith('attach://') ? parts[v.slice('attach://'.length)] : undefined;
      if (ref) files[k] = ref;
    }
    for (const [k, v] of Object.entries(parts)) if (!Object.values(files).includes(v)) files[k] = v;
    return { params, files };
  }
  return { params: {}, files: {} };
}

/** Text length as Telegram counts it: after HTML entity parsing, in UTF-16 code units. */
export function parsedLength(text: string, parseMode: unknown): number {
  if (parseMode !== 'HTML') return text.length;
  return text.replace(HTML_TAGS, '').replace(/&(lt|gt|amp|quot);/g, '_').length;
}

/** Returns an error description when the payload would be rejected by the real Bot API. */
function validate(method: string, p: Record<string, unknown>): string | null {
  const text = typeof p.text === 'string' ? p.text : typeof p.caption === 'string' ? p.caption : null;
  if (method === 'sendMessage' && (text === null || text.length === 0)) return 'Bad Request: message text is empty';
  if (text !== null && p.parse_mode === 'HTML') {
    const stripped = text.replace(HTML_TAGS, '');
    if (/[<>]/.test(stripped) || /&(?!(lt|gt|amp|quot);)/.test(stripped)) return "Bad Request: can't parse entities";
  }
  const limit = method === 'sendMessage' ? 4096 : 1024;
  if (text !== null && parsedLength(text, p.parse_mode) > limit)
    return method === 'sendMessage' ? 'Bad Request: message is too long' : 'Bad Request: message caption is too long';
  const markup = p.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined;
  for (const row of markup?.inline_keyboard ?? []) {
    if (row.length > 8) return 'Bad Request: too many buttons in a row';
    for (const b of row) {
      const bytes = Buffer.byteLength(b.callback_data ?? '', 'utf8');
      if (bytes < 1 || bytes > 64) return 'Bad Request: BUTTON_DATA_INVALID';
      if (!b.text) return 'Bad Request: text buttons are unallowed in the inline keyboard';
    }
  }
  return null;
}

export async function startFakeTelegram(opts: { token?: string } = {}): Promise<FakeTelegram> {
  const token = opts.token ?? FAKE_TOKEN;
  const calls: FakeCall[] = [];
  let failures: { spec: FailSpec; method?: string | undefined }[] = [];
  let delay = 0;
  let queue: Record<string, unknown>[] = [];
  let nextUpdateId = 1000;
  let confirmed = 0;
  let messageId = 1;
  const waiters = new Set<() => void>();
  const polls = new Set<ServerResponse>();
  let closed = false;

  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, call: FakeCall, code: number, description: string, parameters?: object) => {
    call.status = code;
    send(res, code, { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) });
  };

  function messageResult(method: string, p: Record<string, unknown>): Record<string, unknown> {
    const chat = { id: Number(p.chat_id), type: 'private' };
    const base = { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat };
    if (method === 'sendMessage') return { ...base, text: p.text };
    return { ...base, ...(p.caption ? { caption: p.caption } : {}) };
  }

  async function getUpdates(res: ServerResponse, call: FakeCall, p: Record<string, unknown>): Promise<void> {
    const offset = Number(p.offset ?? 0);
    if (offset > confirmed) confirmed = offset;
    queue = queue.filter((u) => Number(u.update_id) >= offset);
    const limit = Math.min(100, Number(p.limit ?? 100) || 100);
    const deadline = Date.now() + Math.min(Number(p.timeout ?? 0), 50) * 1000;
    polls.add(res);
    let current: (() => void) | null = null;
    const onClose = () => current?.();
    res.once('close', onClose);
    while (!queue.length && Date.now() < deadline && !closed && !res.destroyed) {
      await new Promise<void>((r) => {
        const done = () => {
          waiters.delete(done);
          clearTimeout(timer);
          current = null;
          r();
        };
        const timer = setTimeout(done, Math.max(1, deadline - Date.now()));
        waiters.add(done);
        current = done;
      });
    }
    res.off('close', onClose);
    polls.delete(res);
    call.status = 200;
    send(res, 200, { ok: true, result: queue.slice(0, limit) });
  }

  const server = createServer((req, res) => {
    void (async () => {
      const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url?.split('?')[0] ?? '');
      const { params, files } = await readBody(req).catch(() => ({ params: {}, files: {} }));
      const call: FakeCall = { method: m?.[2] ?? '?', params, files, status: 0, at: Date.now() };
      calls.push(call);
      wake();
      if (!m || req.method !== 'POST') return fail(res, call, 404, 'Not Found');
      if (m[1] !== token) return fail(res, call, 401, 'Unauthorized');
      const method = m[2] ?? '';
      if (method !== 'getUpdates' && method !== 'getMe') {
        const i = failures.findIndex((f) => !f.method || f.method === method);
        if (i >= 0) {
          const [{ spec }] = failures.splice(i, 1) as [{ spec: FailSpec }];
          if (spec.code === 429) return fail(res, call, 429, `Too Many Requests: retry after ${spec.retryAfter}`, { retry_after: spec.retryAfter });
          if (spec.code === 500) return fail(res, call, 500, 'Internal Server Error');
          return fail(res, call, spec.code, spec.description ?? (spec.code === 403 ? 'Forbidden: bot was blocked by the user' : 'Bad Request'));
        }
      }
      if (method === 'getUpdates') return getUpdates(res, call, params);
      if (method.startsWith('send') && delay) await new Promise((r) => setTimeout(r, delay));
      const invalid = validate(method, params);
      if (invalid) return fail(res, call, 400, invalid);
      let result: unknown;
      if (method === 'getMe') result = FAKE_BOT;
      else if (method === 'getWebhookInfo') result = { url: '', has_custom_certificate: false, pending_update_count: 0 };
      else if (TRUE_METHODS.has(method)) result = true;
      else if (method.startsWith('send')) result = messageResult(method, params);
      else return fail(res, call, 404, 'Not Found: method not found');
      call.status = 200;
      send(res, 200, { ok: true, result });
      wake();
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    calls,
    ok: (method) => calls.filter((c) => c.method === method && c.status === 200),
    failNext(n, spec, method) {
      for (let i = 0; i < n; i++) failures.push({ spec, method });
    },
    setDelay(ms) {
      delay = ms;
    },
    webhookReply(body) {
      if (!body || typeof body !== 'object' || typeof (body as { method?: unknown }).method !== 'string') return false;
      const { method, ...params } = body as Record<string, unknown>;
      calls.push({ method: String(method), params, files: {}, status: validate(String(method), params) ? 400 : 200, at: Date.now() });
      wake();
      return true;
    },
    pushUpdates(...updates) {
      for (const u of updates) queue.push({ ...u, update_id: u.update_id ?? nextUpdateId++ });
      wake();
    },
    confirmedOffset: () => confirmed,
    async waitFor(pred, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > end) throw new Error('fake-telegram: timed out waiting for condition');
        await new Promise<void>((r) => {
          const done = () => {
            waiters.delete(done);
            clearTimeout(timer);
            r();
          };
          const timer = setTimeout(done, 25);
          waiters.add(done);
        });
      }
    },
    reset() {
      calls.length = 0;
      failures = [];
      delay = 0;
    },
    async close() {
      closed = true;
      wake();
      for (const r of polls) send(r, 200, { ok: true, result: [] });
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
