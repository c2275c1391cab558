/**
 * The grammY bot instance: Bot API root (Telegram, a self-hosted Bot API server, or a test fake), request timeout,
 * and automatic retries.
 * @see https://grammy.dev/ref/core/apiclientoptions (client.apiRoot)
 * @see https://grammy.dev/plugins/auto-retry
 * Transport: a lean `fetch` over node:http (transport.ts) instead of grammY's node-fetch default.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot } from 'grammy';
import { createBotApiFetch } from './transport.ts';

export interface TelegramBotOptions {
  token: string;
  /** e.g. https://api.telegram.org (default), a self-hosted Bot API server, or a fake in tests. */
  apiRoot: string;
  /** Longest `retry_after` (seconds) we wait for; a longer flood wait fails the call (default 60). */
  maxRetryAfterSeconds?: number;
  /** Retries per call for 429 and 5xx (default 5). Network errors are bounded by the sender's per-call timeout. */
  maxRetryAttempts?: number;
  /**
   * Webhook mode: answer callback queries in the webhook response instead of with a request of their own (one
   * Bot API request less for every button press; Telegram runs the method it finds in the response).
   * @see https://core.telegram.org/bots/api#making-requests-when-getting-updates
   */
  webhookReply?: boolean;
}

/**
 * Creates the bot with auto-retry installed: 429 answers are retried after `retry_after`, 5xx and network errors
 * with exponential backoff (3 s, 6 s, 12 s, ...). Quirk: auto-retry retries network errors (`HttpError`) without a
 * limit, so every send passes an AbortSignal with a deadline (see sender.ts).
 */
export function createTelegramBot(opts: TelegramBotOptions): Bot {
  // 60 s: longer than the 30 s long-polling timeout of getUpdates, short enough that a hung connection is noticed.
  const bot = new Bot(opts.token, {
    client: {
      apiRoot: opts.apiRoot.replace(/\/+$/, ''),
      timeoutSeconds: 60,
      fetch: createBotApiFetch(),
      ...(opts.webhookReply ? { canUseWebhookReply: (method: string) => method === 'answerCallbackQuery' } : {}),
    },
  });
  bot.api.config.use(autoRetry({ maxDelaySeconds: opts.maxRetryAfterSeconds ?? 60, maxRetryAttempts: opts.maxRetryAttempts ?? 5 }));
  return bot;
}
