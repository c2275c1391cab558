/**
 * Long-polling mode with @grammyjs/runner, for small deployments without public HTTPS. Updates are fetched
 * concurrently; `sequentialize` (installed on the bot by the channel) keeps the updates of one chat in order.
 * @see https://grammy.dev/plugins/runner
 * @see https://core.telegram.org/bots/api#getupdates
 */
import { type RunnerHandle, run } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Logger } from '../../core/ports.ts';
import { ALLOWED_UPDATES } from './inbound.ts';

export interface Poller {
  /** Stops fetching, aborts the pending getUpdates and waits for running middleware. Idempotent. */
  stop(): Promise<void>;
  isRunning(): boolean;
}

/**
 * Starts polling. A webhook that is still set would make getUpdates fail with 409, so it is removed first
 * (pending updates are kept).
 */
export async function startPolling(bot: Bot, logger: Logger, opts: { timeoutSeconds?: number } = {}): Promise<Poller> {
  await bot.init();
  await bot.api.deleteWebhook({ drop_pending_updates: false });
  const handle: RunnerHandle = run(bot, {
    runner: {
      fetch: { allowed_updates: ALLOWED_UPDATES, timeout: opts.timeoutSeconds ?? 30 },
      retryInterval: 'exponential',
      silent: true,
    },
  });
  logger.info({ event: 'telegram_polling_started' }, 'telegram long polling started');
  let stopping: Promise<void> | null = null;
  return {
    stop() {
      stopping ??= handle.isRunning() ? handle.stop() : Promise.resolve();
      return stopping;
    },
    isRunning: () => handle.isRunning(),
  };
}
