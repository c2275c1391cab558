/**
 * Relay through the Telegram and WhatsApp channels against their fake platform APIs (local HTTP servers speaking
 * the real protocols): the user asks on the platform, a helper claims and replies in the inbox, the reply arrives
 * on the user's own channel, and the user's answer reaches the helper. Also the helper's Telegram notice: linked
 * with `/link CODE`, it carries no message contents.
 */
import { describe, expect, it } from 'vitest';
import { sign } from '../../src/channels/whatsapp/signature.ts';
import { fixture, nextWamid, PHONE_ID, SECRET, VERIFY } from '../channels/whatsapp/harness.ts';
import { startApp } from '../helpers/app.ts';
import { messageText, startFakeGraph } from '../helpers/fake-graph.ts';
import { buttonData, startTelegramApp, textOf } from '../helpers/fake-telegram-app.ts';
import { tg } from '../helpers/fake-telegram-updates.ts';
import { addHelper, CONTENT_DIR, inboxClient } from './support.ts';

const ALWAYS = 'mo-su 00:00-24:00';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(test: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(25);
  }
}

describe('relay through the Telegram channel (fake Bot API)', () => {
  it('asks, gets the helper reply in the chat, answers back; the linked helper gets a notice without contents', async () => {
    const t = await startTelegramApp();
    try {
      const app = t.app;
      const h = await addHelper(app, { name: 'Amal', languages: ['ar'], schedule: ALWAYS });
      // The helper links their own Telegram chat with a code from the inbox.
      const inbox = inboxClient(app.url);
      await inbox.login('amal');
      const account = await inbox.post('/helpers/account/telegram-code');
      const code = /\/link (\d{8})/.exec(account.text)?.[1] ?? '';
      expect(code).toMatch(/^\d{8}$/);
      const helperChat = { userId: 7001, languageCode: 'nl' };
      const linked = await t.exchange(helperChat.userId, tg.text(helperChat, `/link ${code}`));
      expect(textOf(linked.at(-1))).toContain('gekoppeld');
      expect((await app.wired.store.getHelper(h.id))?.telegramKey).not.toBeNull();

      const user = { userId: 7002, languageCode: 'ar' };
      await t.exchange(user.userId, tg.text(user, '/start'));
      await t.exchange(user.userId, tg.callback(user, 'lang:ar'));
      const consent = await t.exchange(user.userId, tg.callback(user, 'nav:person'));
      expect(buttonData(consent, 'hv:yes')).toBe('hv:yes');
      await t.exchange(user.userId, tg.callback(user, 'hv:yes'));
      await t.exchange(user.userId, tg.callback(user, 'hv:skip'));
      await t.exchange(user.userId, tg.callback(user, 'hv:any'));
      await t.exchange(user.userId, tg.text(user, 'سؤال خاص جدا عن صحتي'));
      const [conv] = await app.wired.store.listConversations({ status: ['waiting'] });
      expect(conv?.channel).toBe('telegram');

      // The notice reached the helper's Telegram chat, without the user's words.
      await t.waitSent(helperChat.userId, 2);
      const notice = textOf(t.sent(helperChat.userId).at(-1));
      expect(notice).toContain('/helpers');
      expect(notice).not.toContain('سؤال');

      expect((await inbox.post(`/helpers/c/${conv?.id}/claim`)).status).toBe(200);
      const before = t.sent(user.userId).length;
      expect((await inbox.post(`/helpers/c/${conv?.id}/reply`, { text: 'مرحبا، أنا أمل من wegwijs' })).status).toBe(200);
      const sent = await t.waitSent(user.userId, before + 1);
      expect(sent.map(textOf).some((x) => x.includes('مرحبا، أنا أمل'))).toBe(true);

      // The user's answer is relayed to the helper; the bot itself stays silent.
      const quiet = t.sent(user.userId).length;
      expect((await t.post(tg.text(user, 'شكرا، سؤالي عن الدواء'))).status).toBe(200);
      await sleep(300);
      const msgs = await app.wired.store.listMessages(conv?.id ?? '');
      expect(msgs.some((m) => m.sender === 'user' && m.text === 'شكرا، سؤالي عن الدواء')).toBe(true);
      expect(t.sent(user.userId).length).toBe(quiet);
    } finally {
      await t.stop();
    }
  });
});

describe('relay through the WhatsApp channel (fake Graph API)', () => {
  it('asks, gets the helper reply on WhatsApp, answers back', async () => {
    const graph = await startFakeGraph();
    const app = await startApp(
      {
        CONTENT_DIR,
        CONTENT_WATCH: 'false',
        USER_KEY_SECRET: 'w'.repeat(40),
        WHATSAPP_TOKEN: graph.token,
        WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_VERIFY_TOKEN: VERIFY,
        WHATSAPP_API_BASE: graph.url,
      },
      { memory: true },
    );
    try {
      await app.wired.start();
      await addHelper(app, { name: 'Yonas', languages: ['ti'], schedule: ALWAYS });
      const from = '15555550177';
      const post = async (name: string, vars: Record<string, string>) => {
        const raw = fixture(name, { FROM: from, WAMID: nextWamid(), ...vars });
        const res = await fetch(`${app.url}/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(Buffer.from(raw), SECRET) },
          body: raw,
        });
        expect(res.status).toBe(200);
      };
      const sentTo = () => graph.sent.filter((m) => m.to === from);
      // Every step gets an answer from the bot on WhatsApp before the next one is sent.
      const step = async (name: string, vars: Record<string, string>) => {
        const n = sentTo().length;
        await post(name, vars);
        await waitUntil(() => sentTo().length > n);
      };
      await step('text', { TEXT: 'hallo' });
      await step('interactive-list-reply', { CHOICE_ID: 'lang:ti', TITLE: 'ትግርኛ' });
      await step('interactive-list-reply', { CHOICE_ID: 'nav:person', TITLE: 'ምስ ሰብ ምዝራብ' });
      await step('interactive-button-reply', { CHOICE_ID: 'hv:yes', TITLE: 'እወ' });
      await step('interactive-button-reply', { CHOICE_ID: 'hv:skip', TITLE: 'ሕለፍ' });
      await step('interactive-button-reply', { CHOICE_ID: 'hv:any', TITLE: 'ፍልልይ የብሉን' });
      await step('interactive-button-reply', { CHOICE_ID: 'hv:skip', TITLE: 'ሕለፍ' });
      const [conv] = await app.wired.store.listConversations({ status: ['waiting'] });
      expect(conv).toMatchObject({ channel: 'whatsapp', locale: 'ti' });

      const inbox = inboxClient(app.url);
      await inbox.login('yonas');
      expect((await inbox.post(`/helpers/c/${conv?.id}/claim`)).status).toBe(200);
      expect((await inbox.post(`/helpers/c/${conv?.id}/reply`, { text: 'ሰላም፣ ኣነ ዮናስ እየ።' })).status).toBe(200);
      await waitUntil(() => sentTo().some((m) => messageText(m).includes('ሰላም፣ ኣነ ዮናስ')));

      await post('text', { TEXT: 'የቐንየለይ፣ ሕቶይ ብዛዕባ ሓኪም እዩ' });
      const relayed = async () => (await app.wired.store.listMessages(conv?.id ?? '')).some((m) => m.sender === 'user' && m.text === 'የቐንየለይ፣ ሕቶይ ብዛዕባ ሓኪም እዩ');
      await waitUntil(relayed);
      expect(await relayed()).toBe(true);
    } finally {
      await app.stop();
      await graph.close();
    }
  });
});
