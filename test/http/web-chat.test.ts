import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outbound } from '../../src/core/messages.ts';
import { type RunningApp, startApp, webClient } from '../helpers/app.ts';
import { MINI } from '../helpers/engine.ts';

let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ CONTENT_DIR: MINI });
});
afterAll(async () => {
  await app.stop();
});

const msgs = (j: { messages?: unknown[] }) => (j.messages ?? []) as Outbound[];

describe('HTTP: health, readiness, static page', () => {
  it('/healthz answers', async () => {
    const r = await fetch(`${app.url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
  });

  it('/readyz reports database and the active content version', async () => {
    const r = await fetch(`${app.url}/readyz`);
    const j = (await r.json()) as { ok: boolean; content: { version: string }; database: string };
    expect(r.status).toBe(200);
    expect(j.ok).toBe(true);
    expect(j.database).toBe('ok');
    expect(j.content.version).toBe('2026.1.0');
  });

  it('serves the web chat page with a strict CSP and no external resources', async () => {
    const r = await fetch(`${app.url}/`);
    const html = await r.text();
    expect(r.status).toBe(200);
    expect(html).toContain('<div id="log" role="log"');
    expect(html).not.toMatch(/https?:\/\//);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('unknown routes are a JSON 404 without internals', async () => {
    const r = await fetch(`${app.url}/nope`);
    expect(r.status).toBe(404);
    expect(await r.text()).toBe('{"error":"not_found"}');
  });
});

describe('HTTP: web chat API', () => {
  it('runs a conversation with a cookie session', async () => {
    const c = webClient(app.url);
    const first = await c.send({ command: 'start' });
    expect(first.status).toBe(200);
    expect(c.cookie).toMatch(/^wegwijs_sid=/);
    const picker = msgs(first.json)[0];
    expect(picker?.kind).toBe('choices');
    const ar = msgs((await c.send({ choice: 'lang:ar' })).json);
    expect(ar.every((m) => m.dir === 'rtl')).toBe(true);
    const topic = msgs((await c.send({ text: 'كيف يعمل طبيب العائلة' })).json);
    expect(topic[0]?.kind === 'text' && topic[0].text).toContain('huisarts');
  });

  it('keeps separate sessions per browser', async () => {
    const a = webClient(app.url);
    const b = webClient(app.url);
    await a.send({ choice: 'lang:ar' });
    const fromB = msgs((await b.send({ text: 'hallo' })).json);
    expect(fromB[0]?.kind).toBe('choices');
    expect(fromB[0]?.kind === 'choices' && fromB[0].choices[0]?.id).toBe('lang:nl');
  });

  it('answers malformed JSON with 400 and no detail', async () => {
    const c = webClient(app.url);
    const r = await c.send(null, '{"text": ');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: 'bad_request' });
  });

  it('answers wrong shapes politely instead of dropping them', async () => {
    const c = webClient(app.url);
    await c.send({ choice: 'lang:nl' });
    for (const body of [{}, { text: 42 }, [1, 2], { location: { lat: 'x' } }]) {
      const r = await c.send(body);
      expect(r.status).toBe(200);
      expect(msgs(r.json).length).toBeGreaterThan(0);
    }
  });

  it('rejects oversized bodies with 413', async () => {
    const c = webClient(app.url);
    const r = await c.send({ text: 'x'.repeat(20_000) });
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ error: 'too_large' });
  });

  it('de-duplicates a retried message id', async () => {
    const c = webClient(app.url);
    await c.send({ choice: 'lang:nl' });
    const a = await c.send({ text: 'hallo', id: 'abc123' });
    const b = await c.send({ text: 'hallo', id: 'abc123' });
    expect(msgs(a.json).length).toBeGreaterThan(0);
    expect(msgs(b.json)).toEqual([]);
  });
});

describe('HTTP: rate limit per client', () => {
  it('answers 429 with Retry-After above the limit', async () => {
    const limited = await startApp({ CONTENT_DIR: MINI }, {});
    try {
      // The bucket holds 60 and refills 2 a second, so the requests go out together: a slow, busy machine must not
      // turn the test into a measurement of its own speed.
      const post = (i: number) =>
        fetch(`${limited.url}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `x${i}` }) });
      const t0 = Date.now();
      const responses = await Promise.all(Array.from({ length: 80 }, (_, i) => post(i)));
      const refilled = Math.ceil(((Date.now() - t0) / 1000) * 2);
      const ok = responses.filter((r) => r.status === 200).length;
      const limitedOnes = responses.filter((r) => r.status === 429);
      expect(ok).toBeGreaterThanOrEqual(60);
      expect(ok).toBeLessThanOrEqual(60 + refilled);
      expect(ok + limitedOnes.length).toBe(80);
      expect(Number(limitedOnes[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await limitedOnes[0]?.json()).toEqual({ error: 'rate_limited' });
    } finally {
      await limited.stop();
    }
  });
});
