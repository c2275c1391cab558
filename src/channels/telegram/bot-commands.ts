/**
 * The bot's command menu (`/start`, `/menu`, ...), registered per language with `setMyCommands`, and the mapping
 * from Telegram `language_code`s to wegwijs locales for the channel's own notices.
 * @see https://core.telegram.org/bots/api#setmycommands
 */
import type { Api } from 'grammy';
import type { LanguageCode } from 'grammy/types';
import type { I18n, Logger } from '../../core/ports.ts';

/** Commands shown in Telegram's menu, in this order. Each maps 1:1 to a core command. */
export const BOT_COMMANDS = ['start', 'menu', 'language', 'help', 'person', 'forget'] as const;

/**
 * wegwijs locale → the two-letter ISO 639-1 code Telegram accepts in `setMyCommands` (`language_code`).
 * Dari (`prs`) has no ISO 639-1 code of its own: ISO 639-1 only has `fa` (Persian) for the macrolanguage, and
 * Telegram clients report Dari speakers' interface language as `fa` too. `fa` therefore gets the Farsi descriptions
 * and Dari readers see those (mutually intelligible); the language picker still lets them choose دری.
 * Telegram's own apps are not translated into Tigrinya or Somali, so `ti` and `so` are registered for clients that
 * report them (e.g. third-party apps) and otherwise fall back to the English default.
 */
export const TELEGRAM_COMMAND_LANGUAGES: Record<string, LanguageCode> = { nl: 'nl', en: 'en', ar: 'ar', ti: 'ti', fa: 'fa', so: 'so', tr: 'tr', uk: 'uk' };

const LOCALES = ['nl', 'en', 'ar', 'ti', 'fa', 'prs', 'so', 'tr', 'uk'];

/** A wegwijs locale for a Telegram `language_code` (IETF tag such as `en`, `pt-br`, `fa-AF`); English otherwise. */
export function localeFromHint(code: string | undefined): string {
  const base = (code ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  if (code && /^fa-af$/i.test(code)) return 'prs';
  return LOCALES.includes(base) ? base : 'en';
}

/** Right-to-left locales among the nine (for the channel's own notices). */
export function dirOf(locale: string): 'ltr' | 'rtl' {
  return locale === 'ar' || locale === 'fa' || locale === 'prs' ? 'rtl' : 'ltr';
}

/** The command list in one locale (descriptions from `telegram.commands.*`, max 256 characters). */
export function commandList(i18n: I18n, locale: string): { command: string; description: string }[] {
  return BOT_COMMANDS.map((command) => ({ command, description: i18n.t(locale, `telegram.commands.${command}`).slice(0, 256) }));
}

/**
 * Registers the command menu: once without `language_code` (the default, in English, for every user whose
 * language has no dedicated list) and once per supported language code. Failures are logged, never fatal.
 */
export async function registerCommands(api: Api, i18n: I18n, logger: Logger): Promise<number> {
  let ok = 0;
  const lists: [LanguageCode | undefined, string][] = [
    [undefined, 'en'],
    ...Object.entries(TELEGRAM_COMMAND_LANGUAGES).map(([loc, code]) => [code, loc] as [LanguageCode, string]),
  ];
  for (const [code, locale] of lists) {
    try {
      await api.setMyCommands(commandList(i18n, locale), code ? { language_code: code } : {});
      ok++;
    } catch (e) {
      logger.warn({ event: 'telegram_commands_failed', language: code ?? 'default', code: (e as { error_code?: number }).error_code }, 'setMyCommands failed');
    }
  }
  return ok;
}
