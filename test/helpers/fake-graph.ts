/**
 * An in-process fake of the WhatsApp Cloud API (Graph API) on 127.0.0.1: records sent messages and media
 * uploads, answers like the real API, and can be told to fail with platform error codes (rate limits 130429 and
 * 131056, the 24-hour window 131047, anything else).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  to: string;
  type: string;
  body: Record<string, unknown>;
  wamid: string;
  phoneNumberId: string;
  version: string;
}

export interface FakeGraph {
  url: string;
  token: string;
  sent: SentMessage[];
  uploads: { bytes: number; contentType: string }[];
  /** Requests refused with an error (for checking that retries happened). */
  refused: { code: number; type: string }[];
  /** The next `times` message requests fail with this error code (HTTP 400 unless given). */
  failNext(code: number, times?: number, opts?: { status?: number; onlyTypes?: string[] }): void;
  /** Every non-template message to this recipient fails with 131047 until cleared. */
  windowClosedFor(to: string | null): void;
  /** Resolves when at least `n` messages were sent (or rejects after `timeoutMs`). */
  waitForSent(n: number, timeoutMs?: number): Promise<SentMessage[]>;
  texts(): string[];
  close(): Promise<void>;
}

const TOKEN = 'fake-graph-token-0123456789';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The visible text of a sent message (text body, interactive body, or template name), for assertions. */
export function messageText(m: SentMessage): string {
  const b = m.body as { text?: { body?: string }; interactive?: { body?: { text?: string } }; template?: { name?: string } };
  return b.text?.body ?? b.interactive?.body?.text ?? (b.template ? `[template ${b.template.name}]` : `[${m.type}]`);
}

export async function startFakeGraph(): Promise<FakeGraph> {
  const sent: SentMessage[] = [];
  const uploads: { bytes: number; contentType: string }[] = [];
  const refused: { code: number; type: string }[] = [];
  const failures: { code: number; status: number; onlyTypes?: string[] | undefined }[] = [];
  let closedFor: string | null = null;
  let n = 0;
  let waiters: (() => void)[] = [];

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const error = (status: number, code: number, message: string) =>
      reply(status, {
        error: { message, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details: message }, fbtrace_id: 'AbCdEf' },
      });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return error(401, 190, 'Invalid OAuth access token.');
    const m = /^\/(v\d+\.\d+)\/(\d+)\/(messages|media)$/.exec(req.url ?? '');
    if (!m || req.method !== 'POST') return error(404, 100, 'Unsupported request');
    const [, version = '', phoneNumberId = '', what] = m;
    if (what === 'media') {
      const ct = String(req.headers['content-type'] ?? '');
      if (!ct.startsWith('multipart/form-data') || !body.includes('messaging_product')) return error(400, 100, 'Invalid parameter');
      uploads.push({ bytes: body.length, contentType: ct });
      return reply(200, { id: `media-${uploads.length}` });
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return error(400, 100, 'Invalid JSON');
    }
    const type = String(json.type);
    if (json.messaging_product !== 'whatsapp' || typeof json.to !== 'string' || !(type in json)) return error(400, 100, 'Invalid parameter');
    const f = failures[0];
    if (f && (!f.onlyTypes || f.onlyTypes.includes(type))) {
      failures.shift();
      refused.push({ code: f.code, type });
      return error(f.status, f.code, `fake error ${f.code}`);
    }
    if (closedFor === json.to && type !== 'template') {
      refused.push({ code: 131047, type });
      return error(400, 131047, 'Re-engagement message');
    }
    const wamid = `wamid.FAKE${String(++n).padStart(6, '0')}`;
    const { messaging_product: _p, recipient_type: _r, to, ...rest } = json;
    sent.push({ to: String(to), type, body: rest, wamid, phoneNumberId, version });
    for (const w of waiters.splice(0)) w();
    reply(200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: wamid }] });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token: TOKEN,
    sent,
    uploads,
    refused,
    failNext(code, times = 1, opts = {}) {
      for (let i = 0; i < times; i++) failures.push({ code, status: opts.status ?? 400, onlyTypes: opts.onlyTypes });
    },
    windowClosedFor(to) {
      closedFor = to;
    },
    async waitForSent(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (sent.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`fake graph: expected ${count} sent messages, got ${sent.length}`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
      return sent;
    },
    texts: () => sent.map(messageText),
    async close() {
      waiters = [];
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
