/**
 * Web security of the wired app (web chat and helper inbox): helmet headers with a strict CSP and no inline code,
 * cookie flags, CSRF on every state-changing helper route (enumerated from the express router, so a new route is
 * checked automatically), no stack traces or internal paths in any error response (errors are forced), and no open
 * redirects.
 */
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addHelper, CONTENT_DIR, inboxClient, PASSWORD } from '../handover/support.ts';
import { type RunningApp, startApp } from '../helpers/app.ts';
import { FAKE_TOKEN } from '../helpers/fake-telegram.ts';
import { WEBHOOK_SECRET } from '../helpers/fake-telegram-app.ts';

let app: RunningApp;
let convId = '';

/** Every route of the app with its methods, walking nested routers. */
function routes(a: Express): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]) => {
    for (const l of stack) {
      if (l.route) {
        for (const p of [l.route.path].flat()) for (const m of Object.keys(l.route.methods)) out.push({ method: m.toUpperCase(), path: p });
      } else if (l.handle?.stack) walk(l.handle.stack);
    }
  };
  walk((a as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

/** A response body must not reveal how the server is built. */
function expectNoInternals(body: string): void {
  for (const bad of [/\bat \S+ \(/, /\/work\//, /node_modules/, /\.ts:\d+/, /SQLITE|sqlite/, /TypeError|SyntaxError|ReferenceError/, /Error:/, /\/src\//]) {
    expect(body, String(bad)).not.toMatch(bad);
  }
}

beforeAll(async () => {
  app = await startApp(
    {
      CONTENT_DIR,
      CONTENT_WATCH: 'false',
      PUBLIC_URL: 'https://wegwijs.example.org',
      TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
    },
    { memory: true },
  );
  await addHelper(app, { name: 'Amal', languages: ['ar'], schedule: 'mo-su 00:00-24:00' });
  const key = 'web-security-user';
  for (const id of ['lang:ar', 'nav:person', 'hv:yes', 'hv:skip', 'hv:any', 'hv:skip']) {
    await app.wired.engine.handle({ channel: 'web', userKey: key, kind: 'choice', id });
  }
  convId = (await app.wired.store.openConversationFor(key))?.id ?? '';
  expect(convId).not.toBe('');
});
afterAll(async () => {
  await app?.stop();
});

describe('headers', () => {
  it('sends a strict CSP and the helmet headers on the web chat, the inbox, the APIs and errors', async () => {
    const inbox = inboxClient(app.url);
    expect((await inbox.login('amal')).status).toBe(303);
    const pages: [string, () => Promise<Response>][] = [
      ['web chat page', () => fetch(`${app.url}/`)],
      ['web chat script', () => fetch(`${app.url}/app.js`)],
      [
        'web chat API',
        () => fetch(`${app.url}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"command":"start"}' }),
      ],
      ['login page', () => fetch(`${app.url}/helpers/login`)],
      ['inbox', () => fetch(`${app.url}/helpers`, { headers: { cookie: inbox.cookie() } })],
      ['conversation', () => fetch(`${app.url}/helpers/c/${convId}`, { headers: { cookie: inbox.cookie() } })],
      ['inbox script', () => fetch(`${app.url}/helpers/static/inbox.js`)],
      ['not found', () => fetch(`${app.url}/nope`)],
    ];
    for (const [name, get] of pages) {
      const res = await get();
      const h = res.headers;
      const csp = h.get('content-security-policy') ?? '';
      expect(csp, name).toContain("default-src 'self'");
      expect(csp, name).toContain("script-src 'self'");
      expect(csp, name).toContain("style-src 'self'");
      expect(csp, name).toContain("frame-ancestors 'none'");
      expect(csp, name).toContain("object-src 'none'");
      expect(csp, name).toContain("base-uri 'none'");
      expect(csp, name).toContain("form-action 'self'");
      expect(csp, name).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(h.get('x-content-type-options'), name).toBe('nosniff');
      expect(h.get('referrer-policy'), name).toBe('no-referrer');
      expect(h.get('x-frame-options'), name).toMatch(/SAMEORIGIN|DENY/);
      expect(h.get('strict-transport-security'), name).toMatch(/max-age=\d+/);
      expect(h.get('cross-origin-opener-policy'), name).toBe('same-origin');
      expect(h.get('cross-origin-resource-policy'), name).toBe('same-origin');
      expect(h.get('x-powered-by'), name).toBeNull();
      const body = await res.text();
      if ((h.get('content-type') ?? '').includes('text/html')) {
        // Nothing inline that the CSP would have to allow: scripts only from files, no handlers, no style attributes.
        for (const tag of body.match(/<script\b[^>]*>/g) ?? []) expect(tag, name).toMatch(/\bsrc="\/[^"]+"/);
        expect(body, name).not.toMatch(/<script\b[^>]*>\s*[^<\s]/);
        expect(body, name).not.toMatch(/\son[a-z]+\s*=/i);
        expect(body, name).not.toMatch(/\sstyle\s*=/i);
        expect(body, name).not.toMatch(/javascript:/i);
      }
    }
  });

  it('keeps signed-in pages out of caches', async () => {
    const inbox = inboxClient(app.url);
    await inbox.login('amal');
    for (const path of ['/helpers', `/helpers/c/${convId}`, '/helpers/api/conversations', '/helpers/account']) {
      expect((await inbox.get(path)).headers.get('cache-control'), path).toContain('no-store');
    }
  });
});

describe('cookies', () => {
  const attrs = (setCookie: string) => setCookie.split(';').map((p) => p.trim().toLowerCase());

  it('web chat: HttpOnly, SameSite=Strict, Secure behind HTTPS, whole site, random id', async () => {
    const res = await fetch(`${app.url}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"command":"start"}' });
    const c = res.headers.getSetCookie().find((x) => x.startsWith('wegwijs_sid='));
    expect(c).toBeDefined();
    const a = attrs(c ?? '');
    expect(a).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'secure', 'path=/']));
    expect(c).toMatch(/^wegwijs_sid=[A-Za-z0-9_-]{32,}/);
  });

  it('inbox: the login form and session cookies are HttpOnly, SameSite=Strict, Secure and limited to /helpers', async () => {
    const page = await fetch(`${app.url}/helpers/login`);
    const pre = page.headers.getSetCookie();
    expect(pre).toHaveLength(1);
    expect(attrs(pre[0] ?? '')).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'secure', 'path=/helpers']));
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const login = await fetch(`${app.url}/helpers/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: (pre[0] ?? '').split(';')[0] ?? '' },
      body: new URLSearchParams({ _csrf: token, login: 'amal', password: PASSWORD }).toString(),
    });
    expect(login.status).toBe(303);
    const session = login.headers.getSetCookie().find((x) => x.startsWith('wegwijs_helper='));
    const a = attrs(session ?? '');
    expect(a).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'secure', 'path=/helpers']));
    const maxAge = Number(a.find((x) => x.startsWith('max-age='))?.slice(8));
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(12 * 3600);
  });
});

describe('CSRF', () => {
  it('guards every state-changing helper route (enumerated from the router)', async () => {
    const all = routes(app.wired.app);
    const changing = all.filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && r.path.startsWith('/helpers'));
    // The known ones must be there; any route added later is checked below as well.
    expect(changing.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'POST /helpers/login',
        'POST /helpers/logout',
        'POST /helpers/set-password',
        'POST /helpers/c/:id/:action',
        'POST /helpers/account/telegram-code',
      ]),
    );
    const inbox = inboxClient(app.url);
    await inbox.login('amal');
    const good = inbox.csrf;
    expect(good.length).toBeGreaterThan(20);
    for (const r of changing) {
      const path = r.path.replace(':id', convId).replace(':action', 'note');
      const name = `${r.method} ${r.path}`;
      // A cross-site form post: the session cookie goes along, no token (or a made-up one).
      for (const body of [{ text: 'x' }, { text: 'x', _csrf: 'forged-token-000000000000' }] as Record<string, string>[]) {
        const res = await inbox.form(path, body);
        expect(res.status, name).toBe(403);
      }
      // A script with a wrong header token.
      const wrong = await inbox.post(path, { text: 'x' }, 'forged-token-000000000000');
      expect(wrong.status, name).toBe(403);
      const none = await inbox.post(path, { text: 'x' }, null);
      expect(none.status, name).toBe(403);
    }
    // With the right token the same route works, so the 403s above came from the CSRF check.
    expect((await inbox.post(`/helpers/c/${convId}/note`, { text: 'een notitie' })).status).toBe(200);
    expect(app.wired.store).toBeDefined();
  });

  it('the web chat API only accepts JSON, so a cross-site form cannot post to it', async () => {
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', 'text=hallo'],
      ['text/plain', '{"text":"hallo"}'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nhallo\r\n--x--'],
    ] as const) {
      const res = await fetch(`${app.url}/api/chat/messages`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(res.status, type).toBe(415);
    }
  });
});

describe('open redirects', () => {
  it('redirects only to local paths, whatever the request says', async () => {
    const inbox = inboxClient(app.url);
    const page = await inbox.get('/helpers/login?next=https://evil.example/&returnTo=//evil.example');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('evil.example');
    const pre = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const locations: string[] = [];
    const login = await inbox.form('/helpers/login?next=https://evil.example/', { _csrf: pre, login: 'amal', password: PASSWORD, next: '//evil.example' });
    locations.push(login.location ?? '');
    expect(login.location).toBe('/helpers');
    const csrf = /data-csrf="([^"]+)"/.exec((await inbox.get('/helpers')).text)?.[1] ?? '';
    for (const id of ['%2F%2Fevil.example', '%5C%5Cevil.example', 'https:%2F%2Fevil.example', convId]) {
      const res = await inbox.form(`/helpers/c/${id}/release`, { _csrf: csrf });
      locations.push(res.location ?? '');
    }
    locations.push((await inbox.form('/helpers/logout', { _csrf: csrf })).location ?? '');
    // Anonymous requests to signed-in pages go to the login page, without echoing where they came from.
    locations.push((await inboxClient(app.url).get('/helpers/c/x?next=//evil.example')).location ?? '');
    // Static files: directory redirects must not become protocol-relative URLs.
    for (const path of ['//evil.example/%2e%2e', '/%2F%2Fevil.example', '/helpers/static//evil.example/..', '/%5Cevil.example', '/media//evil.example']) {
      const res = await fetch(`${app.url}${path}`, { redirect: 'manual' });
      await res.text();
      const loc = res.headers.get('location');
      if (loc) locations.push(loc);
    }
    for (const loc of locations.filter(Boolean)) {
      expect(loc).toMatch(/^\/(?![/\\])/);
      expect(loc).not.toContain('evil.example');
    }
    expect(locations.filter(Boolean).length).toBeGreaterThanOrEqual(6);
  });
});

describe('error responses', () => {
  it('never contain stack traces or internal paths (bad input on every public endpoint)', async () => {
    const inbox = inboxClient(app.url);
    await inbox.login('amal');
    const json = { 'content-type': 'application/json' };
    const tgHeaders = { ...json, 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET };
    const cases: [string, Promise<Response>, number[]][] = [
      ['chat: bad JSON', fetch(`${app.url}/api/chat/messages`, { method: 'POST', headers: json, body: '{"text": "abc' }), [400]],
      ['chat: too large', fetch(`${app.url}/api/chat/messages`, { method: 'POST', headers: json, body: JSON.stringify({ text: 'x'.repeat(50_000) }) }), [413]],
      ['chat: deep JSON', fetch(`${app.url}/api/chat/messages`, { method: 'POST', headers: json, body: `${'['.repeat(5000)}${']'.repeat(5000)}` }), [200, 400]],
      ['chat: events without cookie', fetch(`${app.url}/api/chat/events`), [401]],
      ['telegram: bad JSON', fetch(`${app.url}/webhooks/telegram`, { method: 'POST', headers: tgHeaders, body: '{"update_id": 1, "message": {' }), [400]],
      ['telegram: no secret', fetch(`${app.url}/webhooks/telegram`, { method: 'POST', headers: json, body: '{}' }), [401]],
      ['telegram: not an update', fetch(`${app.url}/webhooks/telegram`, { method: 'POST', headers: tgHeaders, body: '[1,2,3]' }), [400]],
      [
        'inbox: bad JSON',
        fetch(`${app.url}/helpers/c/${convId}/note`, {
          method: 'POST',
          headers: { ...json, cookie: inbox.cookie(), 'x-csrf-token': inbox.csrf },
          body: '{"text":',
        }),
        [400],
      ],
      ['inbox: bad URI', fetch(`${app.url}/helpers/c/%E0%A4%A`, { headers: { cookie: inbox.cookie() } }), [400, 404]],
      ['inbox: unknown conversation', fetch(`${app.url}/helpers/api/c/does-not-exist`, { headers: { cookie: inbox.cookie() } }), [404]],
      [
        'inbox: too large',
        fetch(`${app.url}/helpers/c/${convId}/note`, {
          method: 'POST',
          headers: { ...json, cookie: inbox.cookie(), 'x-csrf-token': inbox.csrf },
          body: JSON.stringify({ text: 'x'.repeat(100_000) }),
        }),
        [413],
      ],
      [
        'login: huge form',
        fetch(`${app.url}/helpers/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `login=${'a'.repeat(100_000)}`,
        }),
        [413],
      ],
      ['media: traversal', fetch(`${app.url}/media/..%2f..%2fsrc%2fmain.ts`), [400, 403, 404]],
      ['static: traversal', fetch(`${app.url}/helpers/static/..%2f..%2fauth.ts`), [400, 403, 404]],
      ['unknown route', fetch(`${app.url}/wp-admin/setup.php`), [404]],
    ];
    for (const [name, p, statuses] of cases) {
      const res = await p;
      const body = await res.text();
      expect(statuses, `${name}: ${res.status}`).toContain(res.status);
      expectNoInternals(body);
    }
  });

  it('a failing database gives a plain 500, without details', async () => {
    const inbox = inboxClient(app.url);
    await inbox.login('amal');
    const cookie = inbox.cookie();
    await app.wired.store.db.close();
    const responses = [
      await fetch(`${app.url}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hallo"}' }),
      await fetch(`${app.url}/helpers`, { headers: { cookie } }),
      await fetch(`${app.url}/helpers/api/conversations`, { headers: { cookie, accept: 'application/json' } }),
      await fetch(`${app.url}/readyz`),
    ];
    const bodies: string[] = [];
    for (const res of responses) {
      const body = await res.text();
      bodies.push(body);
      expect(res.status).toBeGreaterThanOrEqual(500);
      expectNoInternals(body);
    }
    expect(JSON.parse(bodies[0] ?? '')).toEqual({ error: 'internal_error' });
    expect(JSON.parse(bodies[3] ?? '')).toMatchObject({ ok: false, database: 'unreachable' });
  });
});
