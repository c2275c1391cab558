/**
 * The real wired app (express, engine, store) with the Telegram channel pointed at a fake Bot API server, plus a
 * client that posts updates to the webhook route the way Telegram does.
 */
import { join } from 'node:path';
import { loadContent } from '../../src/content/loader.ts';
import type { Outbound } from '../../src/core/messages.ts';
import { createUserKeys } from '../../src/privacy/user-key.ts';
import { type RunningApp, startApp } from './app.ts';
import { MINI, ROOT } from './engine.ts';
import { type FakeCall, type FakeTelegram, startFakeTelegram } from './fake-telegram.ts';

export const WEBHOOK_SECRET = 'test-webhook-secret_0123456789';
export const USER_KEY_SECRET = 'k'.repeat(48);
export const userKeyOf = (userId: number) => createUserKeys(USER_KEY_SECRET)('telegram', String(userId));

/**
 * The real `content/` folder when it validates (other work may leave it invalid for a while), otherwise the small
 * fixture. Tests take category and topic ids from the loaded snapshot, so they run against either.
 */
export function contentDirForTests(): string {
  const real = join(ROOT, 'content');
  return loadContent(real).snapshot ? real : MINI;
}

export interface TelegramTestApp {
  app: RunningApp;
  fake: FakeTelegram;
  /** POSTs an update to /webhooks/telegram with the secret header (or the given one; null = none). */
  post(update: unknown, secret?: string | null): Promise<Response>;
  /** Successful sendMessage calls to one chat, in order. */
  sent(chatId: number): FakeCall[];
  /** Waits until at least `n` messages were sent to the chat; returns them. */
  waitSent(chatId: number, n: number, timeoutMs?: number): Promise<FakeCall[]>;
  /**
   * Posts an update (expecting 200) and returns the messages it caused in that chat: waits for the first one, then
   * until the chat has been quiet for `quietMs`. Robust against features adding messages (e.g. a feedback prompt).
   */
  exchange(chatId: number, update: unknown, quietMs?: number): Promise<FakeCall[]>;
  stop(): Promise<void>;
}

export async function startTelegramApp(env: Record<string, string> = {}): Promise<TelegramTestApp> {
  const fake = await startFakeTelegram();
  const app = await startApp(
    {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: fake.apiRoot,
      USER_KEY_SECRET,
      CONTENT_WATCH: 'false',
      CONTENT_DIR: contentDirForTests(),
      ...env,
    },
    { memory: true },
  );
  const sent = (chatId: number) => fake.ok('sendMessage').filter((c) => String(c.params.chat_id) === String(chatId));
  const post = async (update: unknown, secret: string | null = WEBHOOK_SECRET) => {
    const res = await fetch(`${app.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
      body: JSON.stringify(update),
    });
    // Like Telegram, run a method the webhook answered with (answerCallbackQuery as a webhook reply).
    const text = await res.clone().text();
    if (res.status === 200 && text.startsWith('{')) fake.webhookReply(JSON.parse(text));
    return res;
  };
  return {
    app,
    fake,
    post,
    sent,
    async waitSent(chatId, n, timeoutMs = 10_000) {
      await fake.waitFor(() => sent(chatId).length >= n, timeoutMs);
      return sent(chatId);
    },
    async exchange(chatId, update, quietMs = 150) {
      const before = sent(chatId).length;
      const res = await post(update);
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      await fake.waitFor(() => sent(chatId).length > before);
      for (let n = sent(chatId).length; ; ) {
        await new Promise((r) => setTimeout(r, quietMs));
        if (sent(chatId).length === n) break;
        n = sent(chatId).length;
      }
      return sent(chatId).slice(before);
    },
    async stop() {
      await app.stop();
      await fake.close();
    },
  };
}

/** The inline keyboard buttons of a sendMessage call, flattened. */
export function buttons(call: FakeCall | undefined): { text: string; callback_data: string }[] {
  const markup = call?.params.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined;
  return markup?.inline_keyboard?.flat() ?? [];
}

export const textOf = (call: FakeCall | undefined) => String(call?.params.text ?? '');
/** The first message whose keyboard has a button whose callback data starts with `prefix`. */
export const withButton = (calls: FakeCall[], prefix: string) => calls.find((c) => buttons(c).some((b) => b.callback_data.startsWith(prefix)));
/** The callback data of the first button starting with `prefix` in any of the messages. */
export const buttonData = (calls: FakeCall[], prefix: string) =>
  calls.flatMap((c) => buttons(c)).find((b) => b.callback_data.startsWith(prefix))?.callback_data ?? '';
export const helperText = (text: string): Outbound => ({ kind: 'text', text, lang: 'ar', dir: 'rtl' });
