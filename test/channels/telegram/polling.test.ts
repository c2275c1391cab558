/** Long-polling mode (runner) against the fake Bot API: getUpdates, answers in order per chat, and a clean stop. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, startTelegramApp, type TelegramTestApp, textOf } from '../../helpers/fake-telegram-app.ts';
import { tg } from '../../helpers/fake-telegram-updates.ts';

let t: TelegramTestApp;
beforeAll(async () => {
  t = await startTelegramApp({ TELEGRAM_MODE: 'polling' });
});
afterAll(async () => {
  await t.stop();
});

describe('telegram long polling', () => {
  it('has no webhook route in polling mode', async () => {
    expect((await t.post(tg.text({ userId: 1 }, '/start'))).status).toBe(404);
  });

  it('removes a webhook, fetches updates with getUpdates and answers them', async () => {
    await t.app.wired.start();
    const getUpdates = () => t.fake.calls.filter((c) => c.method === 'getUpdates');
    await t.fake.waitFor(() => getUpdates().length > 0);
    expect(t.fake.ok('deleteWebhook')).toHaveLength(1);
    expect(getUpdates()[0]?.params.timeout).toBe(30);
    expect(getUpdates()[0]?.params.allowed_updates).toEqual(['message', 'callback_query', 'edited_message', 'channel_post', 'my_chat_member']);
    const user = { userId: 6001, languageCode: 'en' };
    t.fake.pushUpdates(tg.text(user, '/start'));
    const [picker] = await t.waitSent(user.userId, 1);
    expect(buttons(picker)[0]?.callback_data).toBe('lang:en');
  });

  it('processes a burst from several chats, each chat in order, every update once', async () => {
    const users = [6101, 6102, 6103].map((userId) => ({ userId, languageCode: 'nl' }));
    for (const u of users) t.fake.pushUpdates(tg.text(u, '/start'), tg.callback(u, 'lang:nl'), tg.text(u, '/help'));
    for (const u of users) {
      await t.fake.waitFor(() => t.sent(u.userId).some((m) => textOf(m).startsWith('Je kunt een vraag typen')));
      const texts = t.sent(u.userId).map(textOf);
      expect(buttons(t.sent(u.userId)[0])[0]?.callback_data).toBe('lang:nl');
      expect(t.sent(u.userId).filter((m) => buttons(m).some((b) => b.callback_data.startsWith('lang:')))).toHaveLength(1);
      const welcome = texts.findIndex((x) => x.startsWith('Hallo, ik ben wegwijs'));
      const help = texts.findIndex((x) => x.startsWith('Je kunt een vraag typen'));
      expect(welcome).toBeGreaterThan(0);
      expect(help).toBeGreaterThan(welcome);
    }
    const last = Math.max(...t.fake.calls.filter((c) => c.method === 'getUpdates').map((c) => Number(c.params.offset ?? 0)));
    await t.fake.waitFor(() => t.fake.confirmedOffset() >= last);
  });

  it('a redelivered update (same update_id after a restart) is answered once', async () => {
    const user = { userId: 6201, languageCode: 'en' };
    const update = tg.text(user, '/start');
    t.fake.pushUpdates(update);
    await t.waitSent(user.userId, 1);
    t.fake.pushUpdates({ ...update, update_id: update.update_id }, tg.callback(user, 'lang:en'));
    await t.fake.waitFor(() => t.sent(user.userId).some((m) => textOf(m).startsWith('Hello, I am wegwijs')));
    expect(t.sent(user.userId).filter((m) => buttons(m).some((b) => b.callback_data.startsWith('lang:')))).toHaveLength(1);
  });

  it('stops cleanly: the pending getUpdates is aborted and nothing is fetched or sent afterwards', async () => {
    const started = Date.now();
    await t.app.wired.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    const calls = t.fake.calls.length;
    t.fake.pushUpdates(tg.text({ userId: 6301 }, '/start'));
    await new Promise((r) => setTimeout(r, 500));
    expect(t.fake.calls.length).toBe(calls);
    expect(t.sent(6301)).toHaveLength(0);
  });
});
