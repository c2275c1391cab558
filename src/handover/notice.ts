/**
 * Short notices to helpers outside the inbox (a Telegram message), never with message contents: only that something
 * is waiting, its language and priority, and the inbox link. The port lets the Telegram channel deliver them; the
 * default implementation goes through the channel pushers with the helper's linked (pseudonymous) Telegram user key.
 */
import type { HelperRow } from '../core/handover-port.ts';
import type { Logger, Pusher } from '../core/ports.ts';

export interface HelperNotice {
  notify(helper: HelperRow, text: string): Promise<void>;
}

export function createPusherNotice(deps: { pusher: Pusher; logger: Logger }): HelperNotice {
  return {
    async notify(helper, text) {
      if (!helper.telegramKey) return;
      try {
        await deps.pusher.push(helper.telegramKey, 'telegram', [{ kind: 'text', text, lang: 'nl', dir: 'ltr' }]);
      } catch (e) {
        deps.logger.warn({ event: 'helper_notice_failed', code: (e as { code?: string })?.code ?? null }, 'helper notice not delivered');
      }
    },
  };
}
