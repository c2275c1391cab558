/**
 * `GET /metrics` in the Prometheus text format, on the real wired app with web chat, Telegram (fake Bot API) and
 * WhatsApp (fake Graph API): messages in and out per channel, match outcomes, waiting and claimed conversations read
 * from the database, time to claim, platform API errors by code, and the content version. Never an identifier.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../src/channels/whatsapp/signature.ts';
import { fixture, nextWamid, PHONE_ID, SECRET, USER_A, VERIFY } from '../channels/whatsapp/harness.ts';
import { type RunningApp, startApp, webClient } from '../helpers/app.ts';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.ts';
import { type FakeTelegram, startFakeTelegram } from '../helpers/fake-telegram.ts';
import { contentDirForTests, USER_KEY_SECRET, WEBHOOK_SECRET } from '../helpers/fake-telegram-app.ts';
import { tg } from '../helpers/fake-telegram-updates.ts';

let app: RunningApp;
let fake: FakeTelegram;
let graph: FakeGraph;

beforeAll(async () => {
  fake = await startFakeTelegram();
  graph = await startFakeGraph();
  app = await startApp(
    {
      CONTENT_DIR: contentDirForTests(),
      CONTENT_WATCH: 'false',
      USER_KEY_SECRET,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: fake.apiRoot,
      WHATSAPP_TOKEN: graph.token,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY,
      WHATSAPP_API_BASE: graph.url,
    },
    { memory: true },
  );
  await app.wired.start();
});
afterAll(async () => {
  await app?.stop();
  await fake?.close();
  await graph?.close();
});

/** Parses the exposition format into `name{labels}` → value. */
async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; text: string; value(k: string): number }> {
  const res = await fetch(`${url}/metrics`, { headers });
  const text = await res.text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+(?:\{[^}]*\})?) ([-+0-9.eE]+|NaN)$/.exec(line);
    if (m?.[1] && m[2]) values.set(m[1], Number(m[2]));
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, value: (k) => values.get(k) ?? 0 };
}

describe('metrics', () => {
  it('counts messages, outcomes, conversations, time to claim, platform errors and the content version', async () => {
    const before = await scrape(app.url);
    expect(before.status).toBe(200);
    expect(before.type).toContain('text/plain');
    expect(before.value('wegwijs_match_outcomes_total{outcome="crisis"}')).toBe(0);

    // Web chat: start, language, a question the catalogue knows, one it does not, and a crisis message.
    const web = webClient(app.url);
    await web.send({ command: 'start' });
    await web.send({ choice: 'lang:en' });
    await web.send({ text: 'where can I find a GP, a huisarts' });
    await web.send({ text: 'qwxz plorbt vexum' });
    await web.send({ text: 'I want to kill myself' });

    // Telegram: the first send is refused (the user blocked the bot), the next update is answered.
    fake.failNext(1, { code: 403 }, 'sendMessage');
    const u = { userId: 777, languageCode: 'en' };
    expect((await fetch(`${app.url}/webhooks/telegram`, post(tg.text(u, '/start')))).status).toBe(200);
    await fake.waitFor(() => fake.calls.some((c) => c.method === 'sendMessage' && c.status === 403));
    expect((await fetch(`${app.url}/webhooks/telegram`, post(tg.callback(u, 'lang:en')))).status).toBe(200);
    await fake.waitFor(() => fake.ok('sendMessage').length >= 1);

    // WhatsApp: the Graph API refuses the answer once with a platform code; the worker retries.
    graph.failNext(131000, 1, { status: 500 });
    const raw = fixture('text', { WAMID: nextWamid(), TEXT: 'hallo', FROM: USER_A });
    const wa = await fetch(`${app.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(Buffer.from(raw), SECRET) },
      body: raw,
    });
    expect(wa.status).toBe(200);
    await graph.waitForSent(1, 15_000);

    // Handover: two waiting conversations, one claimed four minutes after it started.
    const store = app.wired.store;
    const now = Date.now();
    const base = {
      channel: 'web' as const,
      locale: 'en',
      municipality: null,
      province: null,
      genderPreference: null,
      note: null,
      priority: 'normal' as const,
      status: 'waiting' as const,
      helperId: null,
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
    };
    await store.createConversation({ ...base, id: 'aaaaaaaaaaaaaaa1', userKey: 'metrics-u1', createdAt: now - 240_000 });
    await store.createConversation({ ...base, id: 'aaaaaaaaaaaaaaa2', userKey: 'metrics-u2', createdAt: now - 60_000 });
    const { helper } = await app.wired.handover.accounts.add({
      name: 'Amal',
      languages: ['en'],
      regions: ['*'],
      coordinator: false,
      gender: null,
      maxOpen: 3,
      schedule: '',
    });
    expect((await app.wired.handover.helpers.claim(helper, 'aaaaaaaaaaaaaaa1')).ok).toBe(true);

    const m = await scrape(app.url);
    expect(m.value('wegwijs_messages_in_total{channel="web"}')).toBe(5);
    expect(m.value('wegwijs_messages_in_total{channel="telegram"}')).toBe(2);
    expect(m.value('wegwijs_messages_in_total{channel="whatsapp"}')).toBe(1);
    expect(m.value('wegwijs_messages_out_total{channel="web"}')).toBeGreaterThanOrEqual(5);
    expect(m.value('wegwijs_messages_out_total{channel="telegram"}')).toBeGreaterThanOrEqual(2);
    expect(m.value('wegwijs_match_outcomes_total{outcome="crisis"}')).toBe(1);
    expect(m.value('wegwijs_match_outcomes_total{outcome="not_found"}')).toBe(1);
    expect(m.value('wegwijs_match_outcomes_total{outcome="answered"}') + m.value('wegwijs_match_outcomes_total{outcome="choices"}')).toBe(1);
    expect(m.value('wegwijs_handover_conversations{status="waiting"}')).toBe(1);
    expect(m.value('wegwijs_handover_conversations{status="claimed"}')).toBe(1);
    expect(m.value('wegwijs_handover_time_to_claim_seconds_count')).toBe(1);
    expect(m.value('wegwijs_handover_time_to_claim_seconds_bucket{le="300"}')).toBe(1);
    expect(m.value('wegwijs_handover_time_to_claim_seconds_bucket{le="120"}')).toBe(0);
    expect(m.value('wegwijs_platform_errors_total{channel="telegram",code="403"}')).toBe(1);
    expect(m.value('wegwijs_platform_errors_total{channel="whatsapp",code="131000"}')).toBe(1);
    const c = app.wired.content.current();
    expect(m.value(`wegwijs_content_info{version="${c.version}",marker="${c.marker}"}`)).toBe(1);
    // No identifiers: no user keys, chat ids or phone numbers anywhere in the output.
    expect(m.text).not.toContain('metrics-u1');
    expect(m.text).not.toContain('777');
    expect(m.text).not.toContain(USER_A);
  });

  it('asks for the token when METRICS_TOKEN is set, and is off with METRICS_ENABLED=false', async () => {
    const token = 'metrics-token-0123456789';
    const guarded = await startApp({ METRICS_TOKEN: token, CONTENT_DIR: contentDirForTests(), CONTENT_WATCH: 'false' }, { memory: true });
    const off = await startApp({ METRICS_ENABLED: 'false', CONTENT_DIR: contentDirForTests(), CONTENT_WATCH: 'false' }, { memory: true });
    try {
      expect((await scrape(guarded.url)).status).toBe(401);
      expect((await scrape(guarded.url, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
      const ok = await scrape(guarded.url, { authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('wegwijs_messages_in_total');
      expect((await scrape(off.url)).status).toBe(404);
    } finally {
      await guarded.stop();
      await off.stop();
    }
  });
});

function post(update: unknown): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
    body: JSON.stringify(update),
  };
}
