/**
 * End to end through the real express webhook route (real secret header, real engine, real content, SQLite in
 * memory) against the fake Bot API. Assertions look for the message that matters rather than counting every
 * message, so features that add a message (e.g. a feedback prompt) do not break them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RLM } from '../../../src/channels/telegram/text.ts';
import type { FakeCall } from '../../helpers/fake-telegram.ts';
import { buttonData, buttons, helperText, startTelegramApp, type TelegramTestApp, textOf, userKeyOf, withButton } from '../../helpers/fake-telegram-app.ts';
import { tg } from '../../helpers/fake-telegram-updates.ts';

let t: TelegramTestApp;
/** The category that holds the "huisarts" topic, and the number of languages, in whichever content is loaded. */
let cat = '';
let languages = 0;
beforeAll(async () => {
  t = await startTelegramApp();
  const snap = t.app.wired.content.current();
  cat = snap.categories.find((c) => c.topics.includes('huisarts'))?.id ?? '';
  languages = snap.locales.length;
});
afterAll(async () => {
  await t.stop();
});

const exchange = (chatId: number, update: unknown) => t.exchange(chatId, update);
const isPicker = (c: FakeCall | undefined) => buttons(c).some((b) => b.callback_data.startsWith('lang:'));

describe('telegram webhook: a conversation', () => {
  const user = { userId: 1001, languageCode: 'ar' };

  it('/start shows the language picker, hinted language first, one language per row', async () => {
    const out = await exchange(user.userId, tg.text(user, '/start'));
    expect(out).toHaveLength(1);
    const picker = out[0];
    expect(picker?.params.parse_mode).toBe('HTML');
    const b = buttons(picker);
    expect(b[0]).toEqual({ text: 'العربية', callback_data: 'lang:ar' });
    expect(b).toHaveLength(languages);
    const rows = (picker?.params.reply_markup as { inline_keyboard: unknown[][] } | undefined)?.inline_keyboard ?? [];
    expect(rows.every((r) => r.length === 1)).toBe(true);
  });

  it('choosing a language answers the callback query and continues right to left', async () => {
    const press = tg.callback(user, 'lang:ar');
    const out = await exchange(user.userId, press);
    expect(t.fake.ok('answerCallbackQuery').some((c) => c.params.callback_query_id === press.callback_query.id)).toBe(true);
    expect(out.every((m) => textOf(m).startsWith(RLM))).toBe(true);
    expect(textOf(out[0])).toContain('wegwijs');
    expect(withButton(out, `cat:${cat}~`)).toBeDefined();
  });

  it('opens a category and a topic from the buttons it was given', async () => {
    const topics = await exchange(user.userId, tg.callback(user, buttonData(t.sent(user.userId), `cat:${cat}~`)));
    const topic = buttonData(topics, 'topic:huisarts~');
    expect(topic).toMatch(/^topic:huisarts~[a-z0-9]+$/);
    const out = await exchange(user.userId, tg.callback(user, topic));
    expect(textOf(out[0]).startsWith(RLM)).toBe(true);
    expect(textOf(out[0])).toMatch(/huisarts/i);
    expect(buttons(out[0])).toEqual([]);
    expect(withButton(out, 'nav:menu')).toBeDefined();
  });

  it('a stale button (old content marker) gets "this menu has changed" and the current menu, not an error', async () => {
    const out = await exchange(user.userId, tg.callback(user, `cat:${cat}~old1`));
    const reply = withButton(out, `cat:${cat}~`);
    expect(textOf(reply)).toContain('تغيّرت هذه القائمة');
    expect(buttonData(out, `cat:${cat}~`)).toBe(`cat:${cat}~${t.app.wired.content.current().marker}`);
  });

  it('a crisis message gets the crisis card at once', async () => {
    const out = await exchange(user.userId, tg.text(user, 'I want to kill myself'));
    expect(textOf(out[0])).toContain('113');
    expect(textOf(out[0])).toContain('112');
    expect(withButton(out, 'nav:person-urgent')).toBeDefined();
  });

  it('escapes HTML in texts it did not write itself (the fake rejects unparsable HTML)', async () => {
    await t.app.wired.pusher.push(userKeyOf(user.userId), 'telegram', [helperText('<script>alert(1)</script> & 5 > 3')]);
    expect(textOf(t.sent(user.userId).at(-1))).toBe(`${RLM}&lt;script&gt;alert(1)&lt;/script&gt; &amp; 5 &gt; 3`);
    expect(t.fake.calls.filter((c) => c.method === 'sendMessage' && c.status === 400)).toEqual([]);
  });

  it('pushes helper messages to the stored chat, and /forget removes that chat id', async () => {
    await t.app.wired.pusher.push(userKeyOf(user.userId), 'telegram', [helperText('رسالة من شخص')]);
    expect(textOf(t.sent(user.userId).at(-1))).toBe(`${RLM}رسالة من شخص`);
    expect(await t.app.wired.store.getAddress(userKeyOf(user.userId))).toEqual({ channel: 'telegram', address: String(user.userId) });
    const confirm = await exchange(user.userId, tg.text(user, '/forget'));
    expect(buttons(withButton(confirm, 'forget:yes')).map((b) => b.callback_data)).toEqual(['forget:yes', 'forget:no']);
    await exchange(user.userId, tg.callback(user, 'forget:yes'));
    expect(await t.app.wired.store.getAddress(userKeyOf(user.userId))).toBeUndefined();
    expect(await t.app.wired.store.getSession(userKeyOf(user.userId))).toBeUndefined();
  });
});

describe('telegram webhook: reliability', () => {
  it('answers a redelivered update (same update_id) once', async () => {
    const user = { userId: 2001, languageCode: 'nl' };
    const update = tg.text(user, '/start');
    const [a, b] = await Promise.all([t.post(update), t.post(update)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await t.post(update)).status).toBe(200);
    // Replies of one chat go out in order: once the reply to a later update is out, all earlier ones are too.
    const later = await exchange(user.userId, tg.callback(user, 'lang:nl'));
    expect(textOf(later[0])).toMatch(/^Hallo, ik ben wegwijs/);
    expect(t.sent(user.userId).filter(isPicker)).toHaveLength(1);
    expect(isPicker(t.sent(user.userId)[0])).toBe(true);
  });

  it('retries a 429 after retry_after and delivers', async () => {
    const user = { userId: 2002 };
    t.fake.failNext(1, { code: 429, retryAfter: 1 }, 'sendMessage');
    const started = Date.now();
    const [picker] = await exchange(user.userId, tg.text(user, '/start'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(buttons(picker)).toHaveLength(languages);
    const attempts = t.fake.calls.filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === '2002');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
  });

  it('retries a 500 with backoff and delivers', async () => {
    const user = { userId: 2003 };
    t.fake.failNext(1, { code: 500 }, 'sendMessage');
    await exchange(user.userId, tg.text(user, '/start'));
    const attempts = t.fake.calls.filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === '2003');
    expect(attempts.map((c) => c.status)).toEqual([500, 200]);
  });

  it('answers the webhook before slow sends finish, and keeps the order of one chat', async () => {
    const user = { userId: 2004, languageCode: 'en' };
    t.fake.setDelay(700);
    try {
      const started = Date.now();
      expect((await t.post(tg.text(user, '/start'))).status).toBe(200);
      expect((await t.post(tg.callback(user, 'lang:en'))).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(700);
      const all = await t.waitSent(user.userId, 3, 15_000);
      expect(isPicker(all[0])).toBe(true);
      expect(textOf(all[1])).toMatch(/^Hello, I am wegwijs/);
    } finally {
      t.fake.setDelay(0);
    }
  });

  it('rejects a wrong or missing secret with 401 and processes nothing', async () => {
    const user = { userId: 2005 };
    const update = tg.text(user, '/start');
    const before = t.fake.calls.length;
    expect((await t.post(update, 'wrong-secret-but-long-enough')).status).toBe(401);
    expect((await t.post(update, null)).status).toBe(401);
    expect((await t.post(update, '')).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.fake.calls.length).toBe(before);
    expect(await t.app.wired.store.getSession(userKeyOf(user.userId))).toBeUndefined();
    expect(await t.app.wired.store.getAddress(userKeyOf(user.userId))).toBeUndefined();
    // Not marked as processed either: the genuine delivery of the same update is handled normally.
    expect(isPicker((await exchange(user.userId, update))[0])).toBe(true);
  });

  it('rejects a body that is not an update with 400', async () => {
    expect((await t.post({ hello: 'world' })).status).toBe(400);
  });
});

describe('telegram webhook: scope', () => {
  it('says once, politely, in a group that it works in private chats only', async () => {
    const member = { userId: 3001, languageCode: 'nl' };
    const groupId = -5550001;
    const [notice] = await exchange(groupId, tg.group(member, groupId, '/start@wegwijs_test_bot'));
    expect(textOf(notice)).toContain('privégesprek');
    expect((await t.post(tg.group(member, groupId, 'hallo?'))).status).toBe(200);
    expect((await t.post(tg.group({ userId: 3002 }, groupId, '/menu'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.sent(groupId)).toHaveLength(1);
    expect(t.sent(member.userId)).toHaveLength(0);
    expect(await t.app.wired.store.getSession(userKeyOf(member.userId))).toBeUndefined();
  });

  it('answers stickers, voice, photos and locations through the engine, in the user language', async () => {
    const user = { userId: 3003, languageCode: 'ar' };
    await exchange(user.userId, tg.callback(user, 'lang:ar'));
    expect(textOf((await exchange(user.userId, tg.sticker(user)))[0])).toContain('لا أستطيع قراءة الصور');
    expect(textOf((await exchange(user.userId, tg.voice(user)))[0])).toContain('الرسائل الصوتية');
    expect(textOf((await exchange(user.userId, tg.photo(user)))[0])).toContain('لا أستطيع قراءة الصور');
    expect(textOf((await exchange(user.userId, tg.location(user, 52.1, 5.1)))[0])).toContain('الموقع');
  });

  it('gives a short notice for contacts and ignores edits and channel posts deliberately', async () => {
    const user = { userId: 3004, languageCode: 'ar' };
    const notice = await exchange(user.userId, tg.contact(user));
    expect(notice.map(textOf)).toEqual([`${RLM}لا أستطيع قراءة هذا النوع من الرسائل. من فضلك اكتب سؤالك، أو اختر من القائمة.`]);
    expect((await t.post(tg.edited(user, 'I want to kill myself'))).status).toBe(200);
    expect((await t.post(tg.channelPost(-1009999, 'news'))).status).toBe(200);
    const next = await exchange(user.userId, tg.text(user, '/start'));
    expect(t.sent(user.userId)).toHaveLength(1 + next.length);
    expect(isPicker(next[0])).toBe(true);
    expect(t.sent(-1009999)).toHaveLength(0);
  });

  it('answers a callback query from a group message without processing it', async () => {
    const before = t.fake.ok('answerCallbackQuery').length;
    const press = tg.callback({ userId: 3005 }, 'nav:menu');
    const inGroup = {
      ...press,
      callback_query: { ...press.callback_query, message: { ...press.callback_query.message, chat: { id: -5550002, type: 'supergroup', title: 'g' } } },
    };
    expect((await t.post(inGroup)).status).toBe(200);
    await t.fake.waitFor(() => t.fake.ok('answerCallbackQuery').length > before);
    expect(await t.app.wired.store.getSession(userKeyOf(3005))).toBeUndefined();
  });
});

describe('telegram: command menu', () => {
  it('registers the commands per language on start, English as the default', async () => {
    await t.app.wired.start();
    await t.fake.waitFor(() => t.fake.ok('setMyCommands').length >= 9);
    const calls = t.fake.ok('setMyCommands');
    expect(calls.map((c) => c.params.language_code ?? 'default').sort()).toEqual(['ar', 'default', 'en', 'fa', 'nl', 'so', 'ti', 'tr', 'uk']);
    const ar = calls.find((c) => c.params.language_code === 'ar')?.params.commands as { command: string; description: string }[];
    expect(ar.map((c) => c.command)).toEqual(['start', 'menu', 'language', 'help', 'person', 'forget']);
    expect(ar.find((c) => c.command === 'person')?.description).toBe('تحدث مع شخص');
    const def = calls.find((c) => c.params.language_code === undefined)?.params.commands as { description: string }[];
    expect(def[1]?.description).toBe('Main menu');
  });
});
