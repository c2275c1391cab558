/**
 * A lean HTTP transport for grammY's Bot API calls. grammY needs no more from `fetch` than
 * `fetch(url, { method, headers, body, signal }).then((res) => res.json())`; its default (node-fetch) builds a WHATWG
 * Request, Headers and body streams around every call, which costs about twice the CPU of a plain `http.request` on a
 * keep-alive connection (measured: bench/run.ts and docs/benchmark.md). Everything else stays grammY's: timeouts,
 * auto-retry, error types, multipart uploads (their body arrives here as a stream and is piped through).
 * A network error or a non-JSON answer rejects, exactly like node-fetch, so grammY reports an HttpError and
 * auto-retry retries it.
 * @see https://grammy.dev/ref/core/apiclientoptions#fetch
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

/** What grammY passes: its own AbortSignal polyfill or a native one, a JSON string or a multipart stream. */
interface CallInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | Readable | AsyncIterable<Uint8Array> | null;
  signal?: {
    aborted: boolean;
    addEventListener(type: 'abort', fn: () => void): void;
    removeEventListener(type: 'abort', fn: () => void): void;
  } | null;
}

export interface LeanResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

class AbortError extends Error {
  constructor() {
    super('The operation was aborted');
    this.name = 'AbortError';
  }
}

/** A `fetch` for grammY's `client.fetch` option, with one keep-alive agent per protocol. */
export function createBotApiFetch(): typeof fetch {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const call = (url: string, init: CallInit = {}): Promise<LeanResponse> =>
    new Promise((resolve, reject) => {
      const secure = url.startsWith('https:');
      const body = init.body ?? null;
      const headers: Record<string, string> = { ...init.headers };
      const whole = typeof body === 'string' || body instanceof Uint8Array;
      if (whole) headers['content-length'] = String(Buffer.byteLength(body));
      const opts: RequestOptions = { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http };
      const signal = init.signal ?? null;
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        req.destroy();
        reject(new AbortError());
      };
      const done = () => {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
      };
      const onResponse = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => {
          if (settled) return;
          done();
          reject(e);
        });
        res.on('end', () => {
          if (settled) return;
          done();
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          resolve({ ok: status >= 200 && status < 300, status, text: async () => text, json: async () => JSON.parse(text) as unknown });
        });
      };
      const req = secure ? httpsRequest(url, opts, onResponse) : httpRequest(url, opts, onResponse);
      req.on('error', (e) => {
        if (settled) return;
        done();
        reject(e);
      });
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort);
      if (body === null || whole) req.end(body ?? undefined);
      else (body instanceof Readable ? body : Readable.from(body)).on('error', (e) => req.destroy(e)).pipe(req);
    });
  return call as unknown as typeof fetch;
}
