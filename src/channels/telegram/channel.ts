/**
 * The Telegram channel: wires the grammY bot, the update handler, the per-chat sender and the chosen mode
 * (webhook route or long polling). `src/main.ts` creates it only when TELEGRAM_BOT_TOKEN is set.
 */
import { sequentialize } from '@grammyjs/runner';
import type { Router } from 'express';
import type { Bot } from 'grammy';
import type { Engine } from '../../core/engine.ts';
import type { Clock, I18n, Logger, Metrics, Pusher, Store } from '../../core/ports.ts';
import type { UserKeyFn } from '../../privacy/user-key.ts';
import { createTelegramBot } from './bot.ts';
import { registerCommands } from './bot-commands.ts';
import { type Poller, startPolling } from './polling.ts';
import { createTelegramSender, type TelegramSender } from './sender.ts';
import { createUpdateHandler } from './update-handler.ts';
import { createWebhookRouter } from './webhook.ts';

export interface TelegramChannelDeps {
  token: string;
  mode: 'webhook' | 'polling';
  /** Required in webhook mode. */
  webhookSecret?: string | undefined;
  apiRoot: string;
  /** Absolute path of `content/media`. */
  mediaDir: string;
  engine: Engine;
  store: Store;
  userKey: UserKeyFn;
  i18n: I18n;
  clock: Clock;
  logger: Logger;
  /** Long-polling timeout for getUpdates in seconds (default 30; tests use less). */
  pollTimeoutSeconds?: number;
  /** Upper bound for one send including retries (default 120 s). */
  callTimeoutMs?: number;
  /** Counts failed Bot API calls by error code. */
  metrics?: Pick<Metrics, 'platformError'>;
}

export interface TelegramChannel {
  bot: Bot;
  /** The webhook route (webhook mode), or null (polling mode). */
  router: Router | null;
  /** Sends messages to a user outside an update (helper replies, timers), via the stored chat id. */
  pusher: Pusher;
  sender: TelegramSender;
  /** Registers the command menu (in the background) and, in polling mode, starts polling. */
  start(): Promise<void>;
  /** Stops polling, lets queued replies go out (briefly), then aborts what is left. */
  stop(): Promise<void>;
}

export function createTelegramChannel(deps: TelegramChannelDeps): TelegramChannel {
  if (deps.mode === 'webhook' && !deps.webhookSecret) throw new Error('TELEGRAM_WEBHOOK_SECRET is required in webhook mode');
  const { logger } = deps;
  const bot = createTelegramBot({ token: deps.token, apiRoot: deps.apiRoot, webhookReply: deps.mode === 'webhook' });
  const { metrics } = deps;
  if (metrics) {
    // Sees every attempt (also the ones auto-retry repeats): error codes only, never the payload.
    bot.api.config.use(async (prev, method, payload, signal) => {
      try {
        const r = await prev(method, payload, signal);
        if (!r.ok) metrics.platformError('telegram', r.error_code);
        return r;
      } catch (e) {
        metrics.platformError('telegram', (e as Error)?.name === 'AbortError' ? 'aborted' : 'network');
        throw e;
      }
    });
  }
  const sender = createTelegramSender({
    api: bot.api,
    logger,
    ...(deps.callTimeoutMs ? { callTimeoutMs: deps.callTimeoutMs } : {}),
    render: {
      mediaDir: deps.mediaDir,
      t: (lang, key) => deps.i18n.t(lang, key),
      onDropped: (count) => logger.warn({ event: 'telegram_choices_dropped', count }, 'choices with invalid callback data left out'),
    },
  });
  const handleUpdate = createUpdateHandler({ ...deps, sender, api: bot.api });

  bot.catch((err) => {
    // Polling mode: the update is lost (its offset is confirmed); log without ids or texts.
    logger.error({ event: 'telegram_update_failed', err: { name: (err.error as Error)?.name } }, 'telegram update failed');
  });
  if (deps.mode === 'polling') {
    bot.use(sequentialize((ctx) => String(ctx.chat?.id ?? ctx.from?.id ?? ctx.update.update_id)));
  }
  bot.use((ctx) => handleUpdate(ctx.update, ctx.me.username, ctx.api));

  const router = deps.mode === 'webhook' && deps.webhookSecret ? createWebhookRouter({ bot, secret: deps.webhookSecret }) : null;
  let poller: Poller | null = null;
  let commands: Promise<unknown> = Promise.resolve();

  return {
    bot,
    router,
    sender,
    pusher: {
      async push(userKey, channel, messages) {
        if (channel !== 'telegram') return;
        const address = await deps.store.getAddress(userKey);
        if (address?.channel !== 'telegram') {
          logger.warn({ event: 'telegram_push_no_address' }, 'no telegram chat for this user');
          return;
        }
        await sender.deliver(address.address, messages);
      },
    },
    async start() {
      commands = registerCommands(bot.api, deps.i18n, logger);
      if (deps.mode === 'polling') poller = await startPolling(bot, logger, { timeoutSeconds: deps.pollTimeoutSeconds ?? 30 });
    },
    async stop() {
      await poller?.stop();
      await sender.close();
      await Promise.race([commands, new Promise((r) => setTimeout(r, 1_000).unref())]);
    },
  };
}
