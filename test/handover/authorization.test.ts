/**
 * Authorization and session security at the HTTP level: languages and regions, coordinator-only statistics and
 * audit, CSRF on every state-changing route, cookie flags, login rate limit, logout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../helpers/app.ts';
import { addHelper, fakeClock, inboxClient, sseReader, startHandoverApp, webUser } from './support.ts';

let app: RunningApp;
let tiConv = '';
let utrechtConv = '';

async function ask(locale: string, municipality?: string): Promise<string> {
  const before = new Set((await app.wired.store.listConversations({})).map((c) => c.id));
  const user = await webUser(app, locale);
  await user.send({ choice: 'nav:person' });
  await user.send({ choice: 'hv:yes' });
  if (municipality) await user.send({ text: municipality });
  else await user.send({ choice: 'hv:skip' });
  await user.send({ choice: 'hv:any' });
  await user.send({ text: 'secret question text' });
  const open = await app.wired.store.listConversations({ status: ['waiting'] });
  return open.find((c) => !before.has(c.id))?.id ?? '';
}

beforeAll(async () => {
  app = await startHandoverApp({ clock: fakeClock() });
  await addHelper(app, { name: 'Arabic Helper', languages: ['ar'] });
  await addHelper(app, { name: 'Amersfoort Helper', languages: ['ti'], regions: ['amersfoort'] });
  await addHelper(app, { name: 'Coordinator', languages: ['nl'], coordinator: true });
  tiConv = await ask('ti');
  utrechtConv = await ask('ti', 'Utrecht');
});
afterAll(async () => {
  await app?.stop();
});

describe('authorization over HTTP', () => {
  it('an ar helper can neither list, open, stream nor claim a ti conversation', async () => {
    const ar = inboxClient(app.url);
    await ar.login('arabic.helper');
    const list = await ar.get('/helpers/api/conversations', true);
    expect(list.json.waiting).toEqual([]);
    expect((await ar.get('/helpers')).text).not.toContain(tiConv);
    expect((await ar.get(`/helpers/api/c/${tiConv}`, true)).status).toBe(403);
    const page = await ar.get(`/helpers/c/${tiConv}`);
    expect(page.status).toBe(403);
    expect(page.text).not.toContain('secret question text');
    expect((await ar.post(`/helpers/c/${tiConv}/claim`)).status).toBe(403);
    expect((await ar.post(`/helpers/c/${tiConv}/note`, { text: 'x' })).status).toBe(403);
    const stream = await sseReader(`${app.url}/helpers/events?c=${tiConv}`, ar.cookie());
    expect(stream.status).toBe(403);
    stream.close();
    expect((await app.wired.store.getConversation(tiConv))?.status).toBe('waiting');
  });

  it('routes by region: a helper for Amersfoort sees ti conversations without a region and from Amersfoort, not from Utrecht', async () => {
    const h = inboxClient(app.url);
    await h.login('amersfoort.helper');
    const ids = (((await h.get('/helpers/api/conversations', true)).json.waiting ?? []) as { id: string }[]).map((w) => w.id);
    expect(ids).toContain(tiConv);
    expect(ids).not.toContain(utrechtConv);
    expect((await h.post(`/helpers/c/${utrechtConv}/claim`)).status).toBe(403);
  });

  it('only coordinators see statistics and the audit log, without message contents', async () => {
    const ar = inboxClient(app.url);
    await ar.login('arabic.helper');
    expect((await ar.get('/helpers/api/stats', true)).status).toBe(403);
    expect((await ar.get('/helpers/stats')).status).toBe(403);
    expect((await ar.get('/helpers/api/audit', true)).status).toBe(403);
    const coord = inboxClient(app.url);
    await coord.login('coordinator');
    const stats = await coord.get('/helpers/api/stats', true);
    expect(stats.status).toBe(200);
    expect(stats.json).toMatchObject({ total: 2, byLocale: { ti: 2 }, byRegion: { '(none)': 1, utrecht: 1 }, unanswered: { waitingNow: 2 } });
    expect(stats.text).not.toContain('secret question text');
    const html = await coord.get('/helpers/stats');
    expect(html.text).toContain('Tigrinya');
    expect(html.text).not.toContain('secret question text');
    const audit = await coord.get('/helpers/api/audit', true);
    expect((audit.json.audit as { action: string }[]).some((a) => a.action === 'request')).toBe(true);
    expect(audit.text).not.toContain('secret question text');
  });

  it('refuses state changes without the CSRF token, and anonymous access', async () => {
    const h = inboxClient(app.url);
    await h.login('amersfoort.helper');
    expect((await h.post(`/helpers/c/${tiConv}/claim`, {}, null)).status).toBe(403);
    expect((await h.post(`/helpers/c/${tiConv}/claim`, {}, 'wrong-token-wrong-token')).status).toBe(403);
    expect((await h.form(`/helpers/c/${tiConv}/claim`, {})).status).toBe(403);
    expect((await app.wired.store.getConversation(tiConv))?.status).toBe('waiting');
    const anon = inboxClient(app.url);
    expect((await anon.get('/helpers')).location).toBe('/helpers/login');
    expect((await anon.get('/helpers/api/conversations', true)).status).toBe(401);
    expect((await anon.post(`/helpers/c/${tiConv}/claim`)).status).toBe(401);
  });

  it('sets a strict session cookie, rate-limits logins and logs out', async () => {
    const h = inboxClient(app.url);
    const page = await h.get('/helpers/login');
    const pre = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const ok = await h.form('/helpers/login', { _csrf: pre, login: 'coordinator', password: 'correct horse battery' });
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('wegwijs_helper='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/helpers/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

    const bad = inboxClient(app.url);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await bad.login('coordinator', 'wrong password!!')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Even the right password is refused while the limit holds.
    expect((await bad.login('coordinator')).status).toBe(429);

    const session = inboxClient(app.url);
    await session.login('arabic.helper');
    expect((await session.get('/helpers')).status).toBe(200);
    expect((await session.form('/helpers/logout', { _csrf: session.csrf })).status).toBe(303);
    expect((await session.get('/helpers')).location).toBe('/helpers/login');
  });

  it('a set-password link works once', async () => {
    const { link } = await app.wired.handover.accounts.add({ name: 'Once', languages: ['so'], regions: ['*'] });
    const token = new URL(link).searchParams.get('token') ?? '';
    const c = inboxClient(app.url);
    const page = await c.get(`/helpers/set-password?token=${token}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const body = { _csrf: csrf, token, password: 'another long password', password2: 'another long password' };
    expect((await c.form('/helpers/set-password', { ...body, password2: 'different' })).status).toBe(400);
    expect((await c.form('/helpers/set-password', body)).status).toBe(303);
    expect((await c.form('/helpers/set-password', body)).status).toBe(400);
    expect((await c.login('once', 'another long password')).status).toBe(303);
  });
});
