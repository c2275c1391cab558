/**
 * Webhook mode answers a button press in the webhook response itself (one Bot API request less per press), and only
 * once the engine has processed the update: when the 200 arrives, the session is saved and the update id marked.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTelegramApp, type TelegramTestApp, userKeyOf, WEBHOOK_SECRET } from '../../helpers/fake-telegram-app.ts';
import { tg } from '../../helpers/fake-telegram-updates.ts';

let t: TelegramTestApp;
beforeAll(async () => {
  t = await startTelegramApp();
});
afterAll(async () => {
  await t?.stop();
});

it('answers the callback query in the webhook response, after the engine saved the session', async () => {
  const user = { userId: 8801, languageCode: 'ar' };
  const press = tg.callback(user, 'lang:ar');
  const res = await fetch(`${t.app.url}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
    body: JSON.stringify(press),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ method: 'answerCallbackQuery', callback_query_id: press.callback_query.id });
  const session = await t.app.wired.store.getSession(userKeyOf(user.userId));
  expect(JSON.parse(session?.data ?? '{}')).toMatchObject({ locale: 'ar' });
  expect(await t.app.wired.store.markProcessed(`telegram:${press.update_id}`, Date.now())).toBe(false);
  await t.waitSent(user.userId, 1);
  // No separate request: the fake Bot API never saw answerCallbackQuery.
  expect(t.fake.ok('answerCallbackQuery')).toHaveLength(0);
});

it('answers a text message with an empty 200 (nothing to reply in the response)', async () => {
  const res = await fetch(`${t.app.url}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
    body: JSON.stringify(tg.text({ userId: 8802 }, '/start')),
  });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('');
});
