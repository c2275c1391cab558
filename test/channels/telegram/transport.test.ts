/**
 * The lean Bot API transport behaves like the fetch grammY expects: JSON bodies with their length, streamed multipart
 * bodies, answers of any status parsed as JSON, rejections for aborts, refused connections and non-JSON answers.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotApiFetch, type LeanResponse } from '../../../src/channels/telegram/transport.ts';

let server: Server;
let base = '';
const seen: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url?.endsWith('/slow')) return void setTimeout(() => res.end('{"ok":true,"result":true}'), 2000);
      if (req.url?.endsWith('/html')) return void res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
      if (req.url?.endsWith('/limit')) {
        res.writeHead(429, { 'content-type': 'application/json' });
        return void res.end('{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}');
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"result":{"message_id":1,"text":"طبيب"}}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const call = createBotApiFetch() as unknown as (url: string, init?: Record<string, unknown>) => Promise<LeanResponse>;

describe('Bot API transport', () => {
  it('posts JSON with its byte length and parses the answer', async () => {
    const body = JSON.stringify({ chat_id: 1, text: 'مرحبا' });
    const res = await call(`${base}/botT/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, result: { message_id: 1, text: 'طبيب' } });
    expect(seen.at(-1)).toMatchObject({ url: '/botT/sendMessage', body });
    expect(seen.at(-1)?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('streams a multipart body, and parses error answers (grammY reads ok:false itself)', async () => {
    const parts = ['--b\r\n', 'Content-Disposition: form-data; name="chat_id"\r\n\r\n1\r\n', '--b--\r\n'];
    const res = await call(`${base}/botT/limit`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      body: Readable.from(parts),
    });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ ok: false, error_code: 429, parameters: { retry_after: 1 } });
    expect(seen.at(-1)?.body).toBe(parts.join(''));
  });

  it('rejects a non-JSON answer when read, like fetch', async () => {
    const res = await call(`${base}/botT/html`, { method: 'POST', body: '{}' });
    expect(res.ok).toBe(false);
    await expect(res.json()).rejects.toThrow();
  });

  it('aborts through the signal, also one aborted before the call', async () => {
    const ctrl = new AbortController();
    const pending = call(`${base}/botT/slow`, { method: 'POST', body: '{}', signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(call(`${base}/botT/slow`, { method: 'POST', body: '{}', signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects when nobody listens', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(call(`http://127.0.0.1:${port}/botT/getMe`, { method: 'POST', body: '{}' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
