/**
 * Two app processes (`node src/main.ts`) on one PostgreSQL schema, as behind a load balancer: they start together
 * on a fresh schema, and then
 * - a duplicate Telegram update and a duplicate web message id sent to both are answered once;
 * - two sleutelpersonen claiming one conversation on different instances: exactly one wins;
 * - a conversation started on A shows up live in a helper inbox connected to B, and the user's messages written on A
 *   reach the conversation stream on B; a helper reply posted on A reaches the user's event stream on B;
 * - the daily retention job and handover timers run once cluster-wide;
 * - the WhatsApp intake worker answers a message delivered to both instances once.
 * Runs only when TEST_DATABASE_URL is set (CI sets it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../src/channels/whatsapp/signature.ts';
import { createAccounts } from '../../src/handover/accounts.ts';
import { loadMunicipalities } from '../../src/handover/municipalities.ts';
import { openStore } from '../../src/storage/index.ts';
import type { SqlStore } from '../../src/storage/sql-store.ts';
import { fixture, nextWamid, PHONE_ID, SECRET, VERIFY } from '../channels/whatsapp/harness.ts';
import { choicesOf, inboxClient, PASSWORD, sseReader, textsOf } from '../handover/support.ts';
import { type ChildApp, startChildApp } from '../helpers/child-app.ts';
import { ROOT } from '../helpers/engine.ts';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.ts';
import { type FakeTelegram, startFakeTelegram } from '../helpers/fake-telegram.ts';
import { contentDirForTests, WEBHOOK_SECRET } from '../helpers/fake-telegram-app.ts';
import { tg } from '../helpers/fake-telegram-updates.ts';
import { dropPgSchema, pgSchemaName, TEST_PG_URL } from '../helpers/pg.ts';

const schema = pgSchemaName('two');
const dirs: string[] = [];
let fake: FakeTelegram;
let graph: FakeGraph;
let a: ChildApp;
let b: ChildApp;
let store: SqlStore;

/** A web chat user with a fixed cookie, so the same browser can talk to either instance. */
function webUser(sid: string) {
  const cookie = `wegwijs_sid=${sid}`;
  return {
    cookie,
    async send(base: string, body: Record<string, unknown>): Promise<unknown[]> {
      const res = await fetch(`${base}/api/chat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { messages: unknown[] }).messages;
    },
  };
}

const postTelegram = (base: string, update: unknown) =>
  fetch(`${base}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
    body: JSON.stringify(update),
  });

const postWhatsApp = (base: string, raw: string) =>
  fetch(`${base}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(Buffer.from(raw), SECRET) },
    body: raw,
  });

/** Waits until `count()` has not changed for `quietMs` (the answer is complete). */
async function settle(count: () => number, quietMs = 400): Promise<number> {
  for (let n = count(); ; ) {
    await new Promise((r) => setTimeout(r, quietMs));
    if (count() === n) return n;
    n = count();
  }
}

beforeAll(async () => {
  if (!TEST_PG_URL) return;
  fake = await startFakeTelegram();
  graph = await startFakeGraph();
  const env = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `wegwijs-${name}-`));
    dirs.push(dir);
    return {
      DATA_DIR: dir,
      DATABASE_URL: TEST_PG_URL ?? '',
      DATABASE_SCHEMA: schema,
      USER_KEY_SECRET: 'two-instances-shared-secret-0123456789abcdef',
      CONTENT_DIR: contentDirForTests(),
      LOCALES_DIR: join(ROOT, 'locales'),
      CONTENT_WATCH: 'false',
      // Info logs carry events only (never texts or ids): the test counts `retention_done` in them.
      LOG_LEVEL: 'info',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: fake.apiRoot,
      WHATSAPP_TOKEN: graph.token,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY,
      WHATSAPP_API_BASE: graph.url,
      HANDOVER_TIMER_SECONDS: '1',
    };
  };
  // Both start at the same moment on a schema that does not exist yet.
  [a, b] = await Promise.all([startChildApp(env('a')), startChildApp(env('b'))]);
  store = await openStore({ databaseUrl: TEST_PG_URL, dataDir: '', schema });
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await store?.close();
  await fake?.close();
  await graph?.close();
  if (TEST_PG_URL) await dropPgSchema(schema);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!TEST_PG_URL)('two app processes on one PostgreSQL schema', () => {
  it('migrated once and runs the daily retention job once cluster-wide', async () => {
    const versions = await store.db.query<{ version: number | string }>('SELECT version FROM schema_migrations');
    expect(new Set(versions.map((v) => Number(v.version))).size).toBe(versions.length);
    const end = Date.now() + 5000;
    while (a.events('retention_done').length + b.events('retention_done').length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    expect(a.events('retention_done').length + b.events('retention_done').length).toBe(1);
    expect(await store.db.query('SELECT name FROM jobs')).toEqual([{ name: 'retention' }]);
  });

  it('answers a duplicate Telegram update and a duplicate web message id once, whichever instance gets it', async () => {
    const sentTo = (chat: number) => fake.ok('sendMessage').filter((c) => Number(c.params.chat_id) === chat).length;
    expect((await postTelegram(a.url, tg.text({ userId: 41 }, '/start'))).status).toBe(200);
    await fake.waitFor(() => sentTo(41) > 0);
    const once = await settle(() => sentTo(41));

    const update = tg.text({ userId: 42 }, '/start');
    const statuses = await Promise.all([postTelegram(a.url, update), postTelegram(b.url, update), postTelegram(b.url, update)]);
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200]);
    await fake.waitFor(() => sentTo(42) > 0);
    expect(await settle(() => sentTo(42))).toBe(once);

    const user = webUser('dup'.padEnd(32, 'x'));
    const answers = await Promise.all([user.send(a.url, { command: 'start', id: 'm-1' }), user.send(b.url, { command: 'start', id: 'm-1' })]);
    expect(answers.filter((m) => m.length > 0)).toHaveLength(1);
  });

  it('shows a conversation started on A in an inbox on B, lets one of two claims win, and relays both ways', async () => {
    const accounts = createAccounts({ store, municipalities: loadMunicipalities(), now: () => Date.now(), baseUrl: a.url });
    const helpers = [];
    for (const name of ['Amal', 'Yonas']) {
      const { helper, link } = await accounts.add({ name, languages: ['ar'], regions: ['*'], coordinator: false, gender: null, maxOpen: 3, schedule: '' });
      const token = new URL(link).searchParams.get('token') ?? '';
      const c = inboxClient(a.url);
      const page = await c.get(`/helpers/set-password?token=${token}`);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      expect((await c.form('/helpers/set-password', { _csrf: csrf, token, password: PASSWORD, password2: PASSWORD })).status).toBe(303);
      helpers.push(helper);
    }
    const onA = inboxClient(a.url);
    const onB = inboxClient(b.url);
    expect((await onA.login(helpers[0]?.login ?? '')).status).toBe(303);
    expect((await onB.login(helpers[1]?.login ?? '')).status).toBe(303);
    const inboxB = await sseReader(`${b.url}/helpers/events`, onB.cookie());
    expect(inboxB.status).toBe(200);

    // The user asks for a person on A.
    const user = webUser('relay'.padEnd(32, 'r'));
    await user.send(a.url, { command: 'start' });
    await user.send(a.url, { choice: 'lang:ar' });
    expect(choicesOf(await user.send(a.url, { choice: 'nav:person' }))).toEqual(['hv:yes', 'hv:no']);
    await user.send(a.url, { choice: 'hv:yes' });
    await user.send(a.url, { text: 'utrech' });
    await user.send(a.url, { choice: 'hv:gm-utrecht' });
    await user.send(a.url, { choice: 'hv:woman' });
    expect(choicesOf(await user.send(a.url, { text: 'أحتاج مساعدة مع طبيب العائلة' }))).toContain('hv:stop');
    await inboxB.until((e) => e.event === 'waiting', 5000);
    const [conv] = await store.listConversations({ status: ['waiting'] });
    expect(conv).toBeDefined();
    const id = conv?.id ?? '';

    // The user's browser now listens on B.
    const userEvents = await sseReader(`${b.url}/api/chat/events`, user.cookie);
    expect(userEvents.status).toBe(200);

    // Both helpers claim at once, on different instances: exactly one wins.
    const claims = await Promise.all([onA.post(`/helpers/c/${id}/claim`), onB.post(`/helpers/c/${id}/claim`)]);
    expect(claims.map((c) => c.status).sort()).toEqual([200, 409]);
    const winner = claims[0]?.status === 200 ? onA : onB;
    expect((await store.getConversation(id))?.helperId).toBe(helpers[claims[0]?.status === 200 ? 0 : 1]?.id);
    await userEvents.until((e) => textsOf((e.data as { messages: unknown[] }).messages).length > 0, 5000);

    // The user writes on A; the helper's conversation stream on B shows it.
    const convB = await sseReader(`${b.url}/helpers/events?c=${id}`, winner.cookie());
    expect(convB.status).toBe(200);
    expect(await user.send(a.url, { text: 'مرحبا، عندي سؤال عن الدواء' })).toEqual([]);
    await convB.until((e) => e.event === 'message' && String((e.data as { text?: string }).text).includes('الدواء'), 5000);

    // The helper replies on A (sessions live in the database, so the same login works there); the user sees it on B.
    const reply = await fetch(`${a.url}/helpers/c/${id}/reply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', cookie: winner.cookie(), 'x-csrf-token': winner.csrf },
      body: JSON.stringify({ text: 'أهلا، كيف أستطيع المساعدة؟' }),
    });
    expect(reply.status).toBe(200);
    await userEvents.until((e) => textsOf((e.data as { messages: unknown[] }).messages).includes('كيف أستطيع'), 5000);
    for (const s of [inboxB, userEvents, convB]) s.close();
  });

  it('fires due handover timers once cluster-wide', async () => {
    const now = Date.now();
    const ids = Array.from({ length: 6 }, (_, i) => `bbbbbbbbbbbbbb${String(i).padStart(2, '0')}`);
    for (const [i, id] of ids.entries()) {
      await store.createConversation({
        id,
        userKey: `timer-user-${i}`,
        channel: 'web',
        locale: 'ar',
        municipality: null,
        province: null,
        genderPreference: null,
        note: null,
        priority: 'normal',
        status: 'waiting',
        helperId: null,
        createdAt: now - 20 * 60_000,
        claimedAt: null,
        closedAt: null,
        updatedAt: now,
        outcome: null,
        closedBy: null,
        rating: null,
        consentVersion: 'v1',
        topics: [],
        contentVersion: 'test',
        selfCheck: null,
      });
      await store.scheduleTimer({ id: `${id}:update`, conversationId: id, kind: 'update', dueAt: now - 1000 });
    }
    const end = Date.now() + 10_000;
    const left = async () => (await store.db.query("SELECT id FROM handover_timers WHERE id LIKE 'bbbbbbbbbbbbbb%'")).length;
    while ((await left()) > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(await left()).toBe(0);
    await new Promise((r) => setTimeout(r, 1500)); // both instances polled again meanwhile
    for (const id of ids) {
      const sent = (await store.listMessages(id)).filter((m) => m.text === 'update-sent');
      expect(sent, id).toHaveLength(1);
    }
  });

  it('answers a WhatsApp message delivered to both instances once', async () => {
    const to = (user: string) => graph.sent.filter((m) => m.to === user).length;
    const first = '31600000101';
    expect((await postWhatsApp(a.url, fixture('text', { WAMID: nextWamid(), TEXT: 'hallo', FROM: first }))).status).toBe(200);
    await graph.waitForSent(1, 10_000);
    const once = await settle(() => to(first));
    expect(once).toBeGreaterThan(0);

    const second = '31600000102';
    const raw = fixture('text', { WAMID: nextWamid(), TEXT: 'hallo', FROM: second });
    const statuses = await Promise.all([postWhatsApp(a.url, raw), postWhatsApp(b.url, raw), postWhatsApp(a.url, raw), postWhatsApp(b.url, raw)]);
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200, 200]);
    await graph.waitForSent(graph.sent.length + 1, 10_000).catch(() => {});
    expect(await settle(() => to(second))).toBe(once);

    // Several messages of one user, alternating between the instances: each answered once.
    const third = '31600000103';
    for (let i = 0; i < 6; i++) {
      const r = await postWhatsApp(i % 2 ? b.url : a.url, fixture('text', { WAMID: nextWamid(), TEXT: 'hallo', FROM: third }));
      expect(r.status).toBe(200);
    }
    const endAt = Date.now() + 15_000;
    while (to(third) < 6 * once && Date.now() < endAt) await new Promise((r) => setTimeout(r, 50));
    expect(await settle(() => to(third))).toBe(6 * once);
    const counts = await store.intakeCounts('whatsapp');
    expect(counts).toMatchObject({ new: 0, ready: 0, failed: 0, done: 8 });
  });
});
