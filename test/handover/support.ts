/** Shared test support for the handover: a wired app with a fake clock, helper accounts, an inbox client, SSE readers. */
import { join } from 'node:path';
import { loadContent } from '../../src/content/loader.ts';
import type { HelperRow } from '../../src/core/handover-port.ts';
import type { WireOptions } from '../../src/main.ts';
import { type RunningApp, startApp, webClient } from '../helpers/app.ts';
import { MINI, ROOT } from '../helpers/engine.ts';

const realContent = join(ROOT, 'content');
export const CONTENT_DIR = loadContent(realContent).snapshot ? realContent : MINI;

/** Monday 23 November 2026, 10:00 in Amsterdam (09:00 UTC). */
export const MONDAY_10 = Date.UTC(2026, 10, 23, 9, 0);

export function fakeClock(start = MONDAY_10) {
  const clock = {
    t: start,
    now: () => clock.t,
    advance(ms: number) {
      clock.t += ms;
    },
  };
  return clock;
}

export type FakeClock = ReturnType<typeof fakeClock>;

export async function startHandoverApp(opts: WireOptions & { env?: Record<string, string> } = {}): Promise<RunningApp> {
  const { env, ...wireOpts } = opts;
  return startApp({ CONTENT_DIR, ...(env ?? {}) }, { memory: true, ...wireOpts });
}

export const PASSWORD = 'correct horse battery';

/** Creates a helper through the accounts service and sets the password through the one-time link, over HTTP. */
export async function addHelper(
  app: RunningApp,
  h: { name: string; languages: string[]; regions?: string[]; coordinator?: boolean; gender?: 'woman' | 'man'; maxOpen?: number; schedule?: string },
): Promise<HelperRow> {
  const { helper, link } = await app.wired.handover.accounts.add({
    name: h.name,
    languages: h.languages,
    regions: h.regions ?? ['*'],
    coordinator: h.coordinator ?? false,
    gender: h.gender ?? null,
    maxOpen: h.maxOpen ?? 3,
    schedule: h.schedule ?? 'mo-fr 09:00-17:00',
  });
  const token = new URL(link).searchParams.get('token') ?? '';
  const c = inboxClient(app.url);
  const page = await c.get(`/helpers/set-password?token=${token}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const res = await c.form('/helpers/set-password', { _csrf: csrf, token, password: PASSWORD, password2: PASSWORD });
  if (res.status !== 303) throw new Error(`set-password failed: ${res.status}`);
  return helper;
}

/** A cookie-keeping HTTP client for the helper inbox. */
export function inboxClient(base: string) {
  const jar = new Map<string, string>();
  let csrf = '';
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  async function request(path: string, init: RequestInit = {}) {
    const res = await fetch(`${base}${path}`, {
      redirect: 'manual',
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...(jar.size ? { cookie: cookie() } : {}) },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (k) {
        if (/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(k);
        else jar.set(k, v.join('='));
      }
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = {};
    }
    return { status: res.status, text, json, location: res.headers.get('location'), headers: res.headers };
  }
  const client = {
    get: (path: string, json = false) => request(path, json ? { headers: { accept: 'application/json' } } : {}),
    form: (path: string, body: Record<string, string>) =>
      request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() }),
    /** A JSON action with the session's CSRF token (as the page script sends it). */
    post: (path: string, body: Record<string, unknown> = {}, token: string | null = csrf) =>
      request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
        body: JSON.stringify(body),
      }),
    async login(login: string, password = PASSWORD) {
      const page = await request('/helpers/login');
      const pre = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      const res = await client.form('/helpers/login', { _csrf: pre, login, password });
      if (res.status === 303) {
        const inbox = await request('/helpers');
        csrf = /data-csrf="([^"]+)"/.exec(inbox.text)?.[1] ?? '';
      }
      return res;
    },
    get csrf() {
      return csrf;
    },
    cookie,
  };
  return client;
}

export type InboxClient = ReturnType<typeof inboxClient>;

/** Reads a Server-Sent Events stream into a list of {event, data}; `until` waits for a matching event. */
export async function sseReader(url: string, cookie: string) {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: ctrl.signal });
  const events: { event: string; data: unknown }[] = [];
  const waiters: { test: (e: { event: string; data: unknown }) => boolean; resolve: (e: { event: string; data: unknown }) => void }[] = [];
  let buf = '';
  void (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data !== undefined) {
            const e = { event, data: JSON.parse(data) as unknown };
            events.push(e);
            for (const w of [...waiters]) {
              if (!w.test(e)) continue;
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(e);
            }
          }
          i = buf.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: res.status,
    events,
    until(test: (e: { event: string; data: unknown }) => boolean, timeoutMs = 5000): Promise<{ event: string; data: unknown }> {
      const hit = events.find(test);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('timed out waiting for an SSE event')), timeoutMs);
        waiters.push({
          test,
          resolve: (e) => {
            clearTimeout(t);
            resolve(e);
          },
        });
      });
    },
    close: () => ctrl.abort(),
  };
}

/** All texts of pushed or returned messages. */
export function textsOf(messages: unknown[]): string {
  return (messages as { text?: string; caption?: string }[]).map((m) => m.text ?? m.caption ?? '').join('\n');
}

export function choicesOf(messages: unknown[]): string[] {
  return (messages as { kind: string; choices?: { id: string }[] }[]).flatMap((m) => (m.kind === 'choices' ? (m.choices ?? []).map((c) => c.id) : []));
}

/** A web chat user who picked a language. */
export async function webUser(app: RunningApp, locale = 'ar') {
  const c = webClient(app.url);
  await c.send({ command: 'start' });
  await c.send({ choice: `lang:${locale}` });
  return c;
}

/** Serves an already wired app on a free port (for restart tests that reuse a data directory). */
export async function serve(wired: import('../../src/main.ts').Wired): Promise<{ url: string; stop(): Promise<void> }> {
  const server = wired.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await wired.close();
    },
  };
}
