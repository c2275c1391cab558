/**
 * The logs of a full conversation contain no message text, platform id, phone number, wa_id, user key, token or
 * secret. The real pino logger writes JSON lines into a capture stream at level `trace` while users talk on the web
 * chat, Telegram (webhook, fake Bot API) and WhatsApp (webhook, fake Graph API), a sleutelpersoon claims and replies
 * in the inbox, platforms fail, hostile requests arrive, a user is forgotten and the retention job runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { SECRET as WA_APP_SECRET, VERIFY as WA_VERIFY } from '../channels/whatsapp/harness.ts';
import { PASSWORD } from '../handover/support.ts';
import { WEBHOOK_SECRET } from '../helpers/fake-telegram-app.ts';
import { tg } from '../helpers/fake-telegram-updates.ts';
import { ALWAYS, addHelper, KEY_SECRET, type Stack, startStack, userKeyOf, waitUntil } from './stack.ts';

const lines: string[] = [];
let s: Stack;

beforeAll(async () => {
  const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
  s = await startStack({ logger });
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

const TG_USER = 551_234_987;
const TG_GROUP = -100_777_888_999;
const PHONE = '31687654321';

const texts = {
  web: ['I sleep very badly since the war qqq', 'I want to kill myself', 'my purple elephant question xyzzy'],
  tg: ['مرحبا، أنا من حلب', 'لا أنام منذ شهور وأخاف كثيرا', 'شكرا جزيلا لك يا أمل', 'سؤالي عن طبيب الأسنان لابني'],
  wa: ['ሰላም፣ ሓገዝ የድልየኒ', 'ብዛዕባ ጥዕና ኣደይ ሕቶ ኣለኒ', 'የቐንየለይ ዮናስ'],
  helper: ['أهلا، أنا أمل من wegwijs. كيف حالك؟', 'ሰላም፣ ኣነ ዮናስ እየ። ከመይ ክሕግዘኩም?'],
};

describe('logs of a full conversation', () => {
  it('carry events and codes, never texts, ids, phone numbers or secrets', async () => {
    const { app, telegram, graph } = s;
    const amal = await addHelper(app, { name: 'Amal', languages: ['ar', 'ti', 'en'], schedule: ALWAYS });
    expect(amal.login).toBe('amal');
    // A failed login, then the real one.
    await s.inbox.login('amal', 'wrong password 123456');
    expect((await s.inbox.login('amal')).status).toBe(303);

    // --- web chat, including hostile requests ---
    await s.web.send({ command: 'start' });
    await s.web.send({ choice: 'lang:en' });
    for (const t of texts.web) await s.web.send({ text: t });
    await s.web.send(undefined, '{"text": "broken json');
    await s.web.send(undefined, JSON.stringify({ text: 'x'.repeat(40_000) }));
    const webSid = s.web.cookie.split('=')[1] ?? '';

    // --- Telegram: chat, a group, a sticker, a failed send, handover with a helper reply ---
    const u = { userId: TG_USER, languageCode: 'ar' };
    await s.tg(TG_USER, tg.text(u, texts.tg[0] ?? ''));
    await s.tg(TG_USER, tg.callback(u, 'lang:ar'));
    await s.tg(TG_USER, tg.text(u, 'طبيب العائلة'));
    await s.tg(TG_USER, tg.sticker(u));
    await fetch(`${app.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: JSON.stringify(tg.group(u, TG_GROUP, 'hello group')),
    });
    await fetch(`${app.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong-secret-000000000' },
      body: JSON.stringify(tg.text(u, 'spoofed')),
    });
    telegram.failNext(1, { code: 403, description: `Forbidden: bot was blocked by the user ${TG_USER}` }, 'sendMessage');
    await fetch(`${app.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: JSON.stringify(tg.callback(u, 'nav:menu')),
    });
    await waitUntil(() => telegram.calls.some((c) => c.status === 403));
    await s.tg(TG_USER, tg.callback(u, 'nav:person'));
    await s.tg(TG_USER, tg.callback(u, 'hv:yes'));
    await s.tg(TG_USER, tg.callback(u, 'hv:skip'));
    await s.tg(TG_USER, tg.callback(u, 'hv:any'));
    await s.tg(TG_USER, tg.text(u, texts.tg[1] ?? ''));
    const tgKey = userKeyOf('telegram', String(TG_USER));
    const tgConv = await app.wired.store.openConversationFor(tgKey);
    if (!tgConv) throw new Error('no telegram conversation');
    expect((await s.inbox.post(`/helpers/c/${tgConv.id}/claim`)).status).toBe(200);
    expect((await s.inbox.post(`/helpers/c/${tgConv.id}/reply`, { text: texts.helper[0] })).status).toBe(200);
    await waitUntil(() => s.tgSent(TG_USER).some((c) => String(c.params.text).includes('أنا أمل')));
    await s.inbox.get(`/helpers/c/${tgConv.id}`);
    await s.inbox.get(`/helpers/api/c/${tgConv.id}`, true);
    await fetch(`${app.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: JSON.stringify(tg.text(u, texts.tg[2] ?? '')),
    });
    await waitUntil(async () => (await app.wired.store.listMessages(tgConv.id)).some((m) => m.text === texts.tg[2]));
    expect((await s.inbox.post(`/helpers/c/${tgConv.id}/note`, { text: texts.tg[3] })).status).toBe(200);
    expect((await s.inbox.post(`/helpers/c/${tgConv.id}/close`, { outcome: 'information' })).status).toBe(200);

    // --- WhatsApp: chat, voice, statuses (one refused outside the window), bad signature, handover ---
    await s.wa(PHONE, 'text', { TEXT: texts.wa[0] ?? '' });
    await s.wa(PHONE, 'interactive-list-reply', { CHOICE_ID: 'lang:ti', TITLE: 'ትግርኛ' });
    await s.wa(PHONE, 'audio-voice', {});
    graph.failNext(131026);
    await s.wa(PHONE, 'text', { TEXT: 'ሓኪም ስድራ' }, { expectReply: false });
    await s.wa(PHONE, 'interactive-list-reply', { CHOICE_ID: 'nav:person', TITLE: 'ምስ ሰብ' });
    await s.wa(PHONE, 'interactive-button-reply', { CHOICE_ID: 'hv:yes', TITLE: 'እወ' });
    await s.wa(PHONE, 'interactive-button-reply', { CHOICE_ID: 'hv:skip', TITLE: 'ሕለፍ' });
    await s.wa(PHONE, 'interactive-button-reply', { CHOICE_ID: 'hv:any', TITLE: 'ዝኾነ' });
    await s.wa(PHONE, 'text', { TEXT: texts.wa[1] ?? '' });
    const waKey = userKeyOf('whatsapp', PHONE);
    const waConv = await app.wired.store.openConversationFor(waKey);
    if (!waConv) throw new Error('no whatsapp conversation');
    expect((await s.inbox.post(`/helpers/c/${waConv.id}/claim`)).status).toBe(200);
    expect((await s.inbox.post(`/helpers/c/${waConv.id}/reply`, { text: texts.helper[1] })).status).toBe(200);
    await waitUntil(() => s.waSent(PHONE).some((m) => JSON.stringify(m.body).includes('ዮናስ')));
    const last = s.waSent(PHONE).at(-1)?.wamid ?? '';
    await s.waPost(statusBody(PHONE, last, 'delivered'));
    await s.waPost(statusBody(PHONE, last, 'failed', 131047));
    await s.waPost(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: PHONE, changes: 'oops' }] })); // signed but malformed
    const forged = await fetch(`${app.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
      body: JSON.stringify({ entry: [{ changes: [{ value: { messages: [{ from: PHONE, text: { body: 'forged' } }] } }] }] }),
    });
    expect(forged.status).toBe(401);
    await fetch(`${app.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong-token-1&hub.challenge=123`);
    await s.wa(PHONE, 'text', { TEXT: texts.wa[2] ?? '' }, { expectReply: false });
    await waitUntil(async () => (await app.wired.store.listMessages(waConv.id)).some((m) => m.text === texts.wa[2]));

    // --- what the helper inbox and the metrics show: never a user key, platform id or phone number ---
    const shown: string[] = [];
    for (const c of [tgConv, waConv]) {
      shown.push((await s.inbox.get(`/helpers/c/${c.id}`)).text, (await s.inbox.get(`/helpers/api/c/${c.id}`, true)).text);
    }
    shown.push((await s.inbox.get('/helpers')).text, (await s.inbox.get('/helpers/api/conversations', true)).text);
    shown.push(await (await fetch(`${app.url}/metrics`)).text());
    expect(shown.join('')).toContain(texts.helper[0] ?? '-'); // the inbox does show the conversation itself
    for (const id of [String(TG_USER), PHONE, tgKey, waKey, 'Test Gebruiker']) expect(shown.join('\n'), id).not.toContain(id);

    // --- the user forgets everything; timers and the retention job run ---
    await s.wa(PHONE, 'text', { TEXT: '/forget' });
    await s.wa(PHONE, 'interactive-button-reply', { CHOICE_ID: 'forget:yes', TITLE: 'እወ' });
    await app.wired.handover.runTimers();
    await app.wired.retention.runOnce();
    await s.inbox.post('/helpers/logout', {});

    // --- the capture ---
    const parsed = lines.map((l) => JSON.parse(l) as { level: number; event?: string; msg?: string });
    expect(parsed.length).toBeGreaterThanOrEqual(10);
    const events = new Set(parsed.map((p) => p.event));
    for (const e of [
      'crisis_detected',
      'telegram_send_failed',
      'handover_requested',
      'wa_send_failed',
      'wa_status_failed',
      'wa_bad_signature',
      'retention_done',
    ]) {
      expect(events, e).toContain(e);
    }

    const secrets = [
      KEY_SECRET,
      telegram.token,
      telegram.token.split(':')[1] ?? '',
      WEBHOOK_SECRET,
      graph.token,
      WA_APP_SECRET,
      WA_VERIFY,
      PASSWORD,
      'wrong password 123456',
      s.inbox.csrf,
      webSid,
    ];
    const ids = [String(TG_USER), String(TG_GROUP), PHONE, tgKey, waKey, userKeyOf('web', webSid), 'Test Gebruiker'];
    const allTexts = [...texts.web, ...texts.tg, ...texts.wa, ...texts.helper, 'طبيب العائلة', 'ሓኪም ስድራ', 'hello group', 'spoofed', 'forged'];
    const needles = [...secrets, ...ids, ...allTexts].filter((n) => n.length >= 5);
    const leaks: { needle: string; line: string }[] = [];
    for (const line of lines) {
      for (const n of needles) {
        if (line.includes(n) || line.includes(JSON.stringify(n).slice(1, -1))) leaks.push({ needle: n, line: line.slice(0, 300) });
      }
    }
    expect(leaks).toEqual([]);
  }, 60_000);
});

function statusBody(phone: string, wamid: string, status: string, code?: number): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15555550100', phone_number_id: '106540352242922' },
              statuses: [
                {
                  id: wamid,
                  status,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: phone,
                  ...(code ? { errors: [{ code, title: 'Re-engagement message' }] } : {}),
                },
              ],
            },
          },
        ],
      },
    ],
  });
}
