/**
 * "Forget me" leaves nothing linkable. Three users (WhatsApp in Tigrinya, Telegram in Arabic, web chat in English)
 * fill every table they can reach through the real channels: session, reply address, transcript lines, a handover
 * conversation with messages, consent, timers and audit entries, WhatsApp intake rows, delivery records, held
 * messages and contact times, dedupe keys, an unanswered question. Each then asks to be forgotten through the
 * engine; afterwards every cell of every table of the SQLite file is searched for their user key, platform id,
 * phone number or chat id (also base64-encoded, as inside wamids) and the texts they typed or received.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_COOKIE } from '../../src/channels/web/routes.ts';
import type { HelperRow } from '../../src/core/handover-port.ts';
import { createI18n } from '../../src/i18n/i18n.ts';
import { sseReader } from '../handover/support.ts';
import { ROOT } from '../helpers/engine.ts';
import { textOf } from '../helpers/fake-telegram-app.ts';
import { tg } from '../helpers/fake-telegram-updates.ts';
import { scanDatabase } from './scan-db.ts';
import { ALWAYS, addHelper, messageText, type Stack, startStack, userKeyOf, waitUntil } from './stack.ts';

let s: Stack;
let amal: HelperRow;
let i18n: Awaited<ReturnType<typeof createI18n>>;
/** Everything the three users left that must be gone, also from the raw database file. */
const gone: string[] = [];

beforeAll(async () => {
  s = await startStack();
  i18n = await createI18n(`${ROOT}/locales`);
  amal = await addHelper(s.app, { name: 'Amal', languages: ['ar', 'ti', 'en'], schedule: ALWAYS });
  await s.inbox.login('amal');
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

const UNANSWERED = {
  ti: 'ብዛዕባ ሰማያዊ ከልበይ ሕቶ ኣለኒ ዝዝዝ',
  ar: 'سؤال عن كلبي الأزرق الطائر',
  en: 'where can my blue flying dog sleep zzqx',
};

async function scanFor(ids: string[], texts: string[]) {
  return scanDatabase(s.app.wired.store.db, { ids, texts, allowText: [{ table: 'unmatched', column: 'text' }] });
}

describe('forget me leaves nothing linkable', () => {
  it('WhatsApp (ti): every table filled, then forgotten; the deletion is confirmed in Tigrinya', async () => {
    const phone = '31612345678';
    const key = userKeyOf('whatsapp', phone);
    const wamids: string[] = [];
    const typed = ['ሰላም ካብ ዋትስኣፕ', 'ሕቶይ ብዛዕባ ሕማም ርእሲ እዩ ሚስጥራዊ', 'ተወሳኺ ሓበሬታ ብዛዕባ ሕማመይ'];
    wamids.push(await s.wa(phone, 'text', { TEXT: typed[0] ?? '' }));
    wamids.push(await s.wa(phone, 'interactive-list-reply', { CHOICE_ID: 'lang:ti', TITLE: 'ትግርኛ' }));
    wamids.push(await s.wa(phone, 'text', { TEXT: 'ሓኪም ስድራ' })); // a topic: transcript line + counter
    wamids.push(await s.wa(phone, 'text', { TEXT: UNANSWERED.ti }));
    wamids.push(await s.wa(phone, 'interactive-list-reply', { CHOICE_ID: 'nav:person', TITLE: 'ምስ ሰብ' }));
    wamids.push(await s.wa(phone, 'interactive-button-reply', { CHOICE_ID: 'hv:yes', TITLE: 'እወ' }));
    wamids.push(await s.wa(phone, 'interactive-button-reply', { CHOICE_ID: 'hv:skip', TITLE: 'ሕለፍ' }));
    wamids.push(await s.wa(phone, 'interactive-button-reply', { CHOICE_ID: 'hv:any', TITLE: 'ዝኾነ' }));
    wamids.push(await s.wa(phone, 'text', { TEXT: typed[1] ?? '' })); // the note for the sleutelpersoon
    const conv = await s.app.wired.store.openConversationFor(key);
    expect(conv?.status).toBe('waiting');
    wamids.push(await s.wa(phone, 'text', { TEXT: typed[2] ?? '' })); // added to the waiting question
    // A message the platform refused outside the 24-hour window is held, and a notify row is queued.
    const refused = s.waSent(phone).at(-1)?.wamid ?? '';
    expect(await s.waPost(failedStatus(phone, refused))).toBe(200);
    await waitUntil(async () => (await s.app.wired.store.listHeld(key, 'whatsapp')).length > 0);
    await waitUntil(async () => (await s.app.wired.store.intakeCounts('whatsapp')).new === 0 && (await s.app.wired.store.intakeCounts('whatsapp')).ready === 0);

    const store = s.app.wired.store;
    const rows = async (sql: string) => Number((await store.db.query<{ n: number }>(sql, [key]))[0]?.n ?? 0);
    expect(await rows('SELECT COUNT(*) AS n FROM sessions WHERE user_key = ?')).toBe(1);
    expect(await rows('SELECT COUNT(*) AS n FROM addresses WHERE user_key = ?')).toBe(1);
    expect(await rows('SELECT COUNT(*) AS n FROM transcripts WHERE user_key = ?')).toBeGreaterThan(0);
    expect(await rows('SELECT COUNT(*) AS n FROM processed WHERE user_key = ?')).toBeGreaterThan(5);
    expect(await rows('SELECT COUNT(*) AS n FROM intake WHERE user_key = ?')).toBeGreaterThan(5);
    expect(await rows('SELECT COUNT(*) AS n FROM outbound_messages WHERE user_key = ?')).toBeGreaterThan(5);
    expect(await rows('SELECT COUNT(*) AS n FROM channel_contacts WHERE user_key = ?')).toBe(1);
    expect(await rows('SELECT COUNT(*) AS n FROM held_messages WHERE user_key = ?')).toBe(1);
    expect(await rows('SELECT COUNT(*) AS n FROM handover_consents WHERE user_key = ?')).toBe(1);
    expect(await rows('SELECT COUNT(*) AS n FROM handover_conversations WHERE user_key = ?')).toBe(1);
    expect(
      await rows('SELECT COUNT(*) AS n FROM handover_messages WHERE conversation_id IN (SELECT id FROM handover_conversations WHERE user_key = ?)'),
    ).toBeGreaterThan(0);
    expect(
      await rows('SELECT COUNT(*) AS n FROM handover_timers WHERE conversation_id IN (SELECT id FROM handover_conversations WHERE user_key = ?)'),
    ).toBeGreaterThan(0);
    expect(
      await rows('SELECT COUNT(*) AS n FROM handover_audit WHERE conversation_id IN (SELECT id FROM handover_conversations WHERE user_key = ?)'),
    ).toBeGreaterThan(0);

    const ids = [key, phone, ...wamids, ...s.waSent(phone).map((m) => m.wamid), 'Test Gebruiker'];
    const texts = [...typed, 'ሓኪም ስድራ'];
    expect((await scanFor(ids, texts)).hits.length).toBeGreaterThan(20);

    const confirm = await s.wa(phone, 'text', { TEXT: '/forget' });
    wamids.push(confirm);
    expect(messageText(s.waSent(phone).at(-1) ?? ({ body: {} } as never))).toBe(i18n.t('ti', 'forget.confirm'));
    const before = s.waSent(phone).length;
    wamids.push(await s.wa(phone, 'interactive-button-reply', { CHOICE_ID: 'forget:yes', TITLE: 'እወ' }));
    // The worker removes what the confirmation itself left once it is delivered.
    await waitUntil(async () => (await rows('SELECT COUNT(*) AS n FROM intake WHERE user_key = ?')) === 0);
    const after = s.waSent(phone).slice(before);
    // Confirmed in Tigrinya as a normal message: no re-engagement template, nothing held for later.
    expect(after.map(messageText)).toEqual([i18n.t('ti', 'forget.done')]);
    expect(i18n.t('ti', 'forget.done')).toMatch(/[\u1200-\u137F]/);

    const result = await scanFor([...ids, ...wamids, ...s.waSent(phone).map((m) => m.wamid)], texts);
    expect(result.hits).toEqual([]);
    expect(result.tables.length).toBeGreaterThanOrEqual(20);
    gone.push(key, phone, ...typed);
    // The anonymous question stays (it never had an identifier).
    expect((await store.topUnmatched(0, 50)).map((u) => u.text)).toContain(UNANSWERED.ti);
    // The waiting conversation is gone; the audit keeps only a neutral trace.
    expect(await store.getConversation(conv?.id ?? '')).toBeUndefined();
    expect((await store.listAudit(100)).find((a) => a.action === 'forgotten' && a.conversationId === conv?.id)).toMatchObject({ detail: null });
  });

  it('Telegram (ar): an active conversation is closed with a neutral note to the helper; confirmed in Arabic', async () => {
    const userId = 730_000_123;
    const u = { userId, languageCode: 'ar' };
    const key = userKeyOf('telegram', String(userId));
    const typed = ['مرحبا من تلغرام', 'عندي سؤال خاص جدا عن أحلامي', 'شكرا، سأذهب إلى الطبيب غدا'];
    await s.tg(userId, tg.text(u, typed[0] ?? ''));
    await s.tg(userId, tg.callback(u, 'lang:ar'));
    await s.tg(userId, tg.text(u, 'طبيب العائلة'));
    await s.tg(userId, tg.text(u, UNANSWERED.ar));
    await s.tg(userId, tg.callback(u, 'nav:person'));
    await s.tg(userId, tg.callback(u, 'hv:yes'));
    await s.tg(userId, tg.callback(u, 'hv:skip'));
    await s.tg(userId, tg.callback(u, 'hv:any'));
    await s.tg(userId, tg.text(u, typed[1] ?? ''));
    const conv = await s.app.wired.store.openConversationFor(key);
    if (!conv) throw new Error('no conversation');
    expect((await s.inbox.post(`/helpers/c/${conv.id}/claim`)).status).toBe(200);
    const reply = 'أهلا، أنا أمل. كيف أستطيع المساعدة؟';
    expect((await s.inbox.post(`/helpers/c/${conv.id}/reply`, { text: reply })).status).toBe(200);
    await waitUntil(() => s.tgSent(userId).some((c) => textOf(c).includes('أنا أمل')));
    await fetch(`${s.app.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'test-webhook-secret_0123456789' },
      body: JSON.stringify(tg.text(u, typed[2] ?? '')),
    });
    await waitUntil(async () => (await s.app.wired.store.listMessages(conv.id)).some((m) => m.text === typed[2]));
    const processed = await s.app.wired.store.db.query<{ n: number }>('SELECT COUNT(*) AS n FROM processed WHERE user_key = ?', [key]);
    expect(Number(processed[0]?.n)).toBeGreaterThan(5);

    // The helper is looking at the conversation when the user asks to be forgotten.
    const events = await sseReader(`${s.app.url}/helpers/events?c=${conv.id}`, s.inbox.cookie());
    const ask = await s.tg(userId, tg.text(u, '/forget'));
    expect(textOf(ask.at(-1)).replace(/^\u200f/, '')).toBe(i18n.t('ar', 'forget.confirm'));
    const done = await s.tg(userId, tg.callback(u, 'forget:yes'));
    expect(done.map((c) => textOf(c).replace(/^\u200f/, ''))).toEqual([i18n.t('ar', 'forget.done')]);
    expect(i18n.t('ar', 'forget.done')).toMatch(/[\u0600-\u06FF]/);
    const ev = await events.until((e) => e.event === 'status');
    events.close();
    expect(ev.data).toEqual({ status: 'forgotten' });
    // The helper's page for it now says, neutrally, that it is not there; the audit keeps who had it, nothing more.
    const page = await s.inbox.get(`/helpers/c/${conv.id}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('Dit gesprek bestaat niet (meer).');
    expect(page.text).not.toContain('سؤال');
    expect((await s.app.wired.store.listAudit(100)).find((a) => a.action === 'forgotten' && a.conversationId === conv.id)).toMatchObject({
      helperId: amal.id,
      detail: null,
    });

    const result = await scanFor([key, String(userId)], [...typed, reply, 'طبيب العائلة']);
    expect(result.hits).toEqual([]);
    gone.push(key, ...typed, reply);
  });

  it('web chat (en): forgotten, confirmed in English, the browser id is nowhere', async () => {
    await s.web.send({ command: 'start' });
    await s.web.send({ choice: 'lang:en' });
    await s.web.send({ text: 'family doctor' });
    await s.web.send({ text: UNANSWERED.en });
    const sid = s.web.cookie.split('=')[1] ?? '';
    expect(s.web.cookie.startsWith(`${WEB_COOKIE}=`)).toBe(true);
    const key = userKeyOf('web', sid);
    expect(await s.app.wired.store.getSession(key)).toBeDefined();
    const ask = await s.web.send({ command: 'forget' });
    expect(JSON.stringify(ask.json.messages)).toContain(i18n.t('en', 'forget.confirm'));
    const done = await s.web.send({ choice: 'forget:yes' });
    expect((done.json.messages as { text?: string }[]).map((m) => m.text)).toEqual([i18n.t('en', 'forget.done')]);
    const result = await scanFor([key, sid], []);
    expect(result.hits).toEqual([]);
    gone.push(key);
  });

  it('the database file itself keeps no trace once the write-ahead log is checkpointed (secure_delete)', async () => {
    expect(gone.length).toBeGreaterThan(8);
    await s.app.wired.store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const raw = readFileSync(join(s.app.dataDir, 'wegwijs.sqlite'));
    expect(raw.length).toBeGreaterThan(100_000);
    for (const needle of gone) expect(raw.includes(Buffer.from(needle, 'utf8')), needle).toBe(false);
    // The anonymous question is still there, so the search does find what is present.
    expect(raw.includes(Buffer.from(UNANSWERED.ar, 'utf8'))).toBe(true);
  });
});

function failedStatus(phone: string, wamid: string): string {
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
                  status: 'failed',
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: phone,
                  errors: [{ code: 131047, title: 'Re-engagement message' }],
                },
              ],
            },
          },
        ],
      },
    ],
  });
}
