/**
 * `npm run -s cli -- telegram <sub>`:
 *   set-webhook <https-url> [--drop-pending]   point Telegram at POST <url>/webhooks/telegram with the secret
 *   delete-webhook [--drop-pending]            back to no webhook (e.g. before switching to polling)
 *   webhook-info                               what Telegram has configured (URL, pending updates, last error)
 *   set-commands                               register the command menu in every supported language
 * Reads TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET and TELEGRAM_API_ROOT from the environment; never prints them.
 * @see https://core.telegram.org/bots/api#setwebhook
 */
import { resolve } from 'node:path';
import type { CliIo } from '../../cli/util.ts';
import { cliConfig } from '../../cli/util.ts';
import { createI18n } from '../../i18n/i18n.ts';
import { createLogger } from '../../logger.ts';
import { createTelegramBot } from './bot.ts';
import { registerCommands } from './bot-commands.ts';
import { ALLOWED_UPDATES } from './inbound.ts';
import { WEBHOOK_PATH } from './webhook.ts';

const USAGE = 'usage: npm run -s cli -- telegram set-webhook <https-url> [--drop-pending] | delete-webhook [--drop-pending] | webhook-info | set-commands\n';

/** The full webhook URL: a bare origin (or one ending in `/`) gets `/webhooks/telegram` appended. */
export function webhookUrl(input: string): string | null {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return null;
  if (url.pathname === '/' || url.pathname === '') url.pathname = WEBHOOK_PATH;
  else if (url.pathname.endsWith('/')) url.pathname = `${url.pathname}${WEBHOOK_PATH.slice(1)}`;
  return url.toString();
}

export async function telegramCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const config = cliConfig();
  if (!sub || !['set-webhook', 'delete-webhook', 'webhook-info', 'set-commands'].includes(sub)) {
    io.stderr.write(USAGE);
    return 2;
  }
  if (!config.TELEGRAM_BOT_TOKEN) {
    io.stderr.write('TELEGRAM_BOT_TOKEN is not set\n');
    return 2;
  }
  const bot = createTelegramBot({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, maxRetryAttempts: 2 });
  const dropPending = rest.includes('--drop-pending');
  try {
    if (sub === 'set-webhook') {
      const url = webhookUrl(rest.find((a) => !a.startsWith('--')) ?? '');
      if (!url) {
        io.stderr.write(`telegram set-webhook needs an https:// URL\n${USAGE}`);
        return 2;
      }
      if (!config.TELEGRAM_WEBHOOK_SECRET) {
        io.stderr.write('TELEGRAM_WEBHOOK_SECRET is not set (16-256 characters of A-Z a-z 0-9 _ -)\n');
        return 2;
      }
      await bot.api.setWebhook(url, {
        secret_token: config.TELEGRAM_WEBHOOK_SECRET,
        allowed_updates: ALLOWED_UPDATES,
        drop_pending_updates: dropPending,
      });
      io.stdout.write(`webhook set: ${url}\nallowed updates: ${ALLOWED_UPDATES.join(', ')}\nset TELEGRAM_MODE=webhook on the server\n`);
      return 0;
    }
    if (sub === 'delete-webhook') {
      await bot.api.deleteWebhook({ drop_pending_updates: dropPending });
      io.stdout.write(`webhook deleted${dropPending ? ' (pending updates dropped)' : ''}\n`);
      return 0;
    }
    if (sub === 'webhook-info') {
      const info = await bot.api.getWebhookInfo();
      io.stdout.write(
        `${JSON.stringify({ url: info.url, pending_update_count: info.pending_update_count, last_error_message: info.last_error_message ?? null, allowed_updates: info.allowed_updates ?? null }, null, 2)}\n`,
      );
      return 0;
    }
    const i18n = await createI18n(resolve(config.LOCALES_DIR));
    const ok = await registerCommands(bot.api, i18n, createLogger(config.LOG_LEVEL));
    io.stdout.write(`command menus registered: ${ok}\n`);
    return ok > 0 ? 0 : 1;
  } catch (e) {
    const err = e as { error_code?: number; description?: string; name?: string };
    io.stderr.write(`telegram ${sub} failed: ${err.error_code ? `${err.error_code} ${err.description}` : (err.name ?? 'error')}\n`);
    return 1;
  }
}
