/**
 * Handles one Telegram update: translate it, hand it to the engine, queue the answer for the chat. Used by both
 * modes (webhook and long polling).
 *
 * Speed vs. delivery (webhook): the returned promise resolves when the engine has processed the update (session
 * saved, `update_id` marked as processed) — not when the replies have reached Telegram. Sending happens in the
 * per-chat queue afterwards, so a slow or rate-limited Bot API never makes Telegram's webhook request time out and
 * redeliver. The price: if the process dies between the engine's answer and the send, those replies are lost (the
 * redelivered update is recognised as a duplicate). We prefer "at most once" here: a duplicate or out-of-order
 * answer confuses users more than a rare lost one they can ask again.
 */
import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { Engine } from '../../core/engine.ts';
import type { Outbound } from '../../core/messages.ts';
import type { Clock, I18n, Logger, Store } from '../../core/ports.ts';
import type { UserKeyFn } from '../../privacy/user-key.ts';
import { dirOf, localeFromHint } from './bot-commands.ts';
import { translateUpdate } from './inbound.ts';
import type { TelegramSender } from './sender.ts';

export interface UpdateHandlerDeps {
  engine: Engine;
  store: Store;
  userKey: UserKeyFn;
  sender: TelegramSender;
  api: Api;
  i18n: I18n;
  clock: Clock;
  logger: Logger;
}

/**
 * Handles one update; `botUsername` filters commands addressed to other bots (`/start@otherbot`). `api` is the
 * update's own API (grammY's `ctx.api`): in webhook mode its answerCallbackQuery travels back in the webhook response
 * itself instead of as a request of its own.
 */
export type UpdateHandler = (update: Update, botUsername?: string, api?: Pick<Api, 'answerCallbackQuery'>) => Promise<void>;

export function createUpdateHandler(deps: UpdateHandlerDeps): UpdateHandler {
  /** Always answer a callback query, or the user's client shows a spinner on the button for a while. */
  function answerCallback(id: string, api: Pick<Api, 'answerCallbackQuery'> = deps.api): void {
    api.answerCallbackQuery(id).catch((e: { error_code?: number }) => {
      deps.logger.debug({ event: 'telegram_callback_answer_failed', code: e?.error_code }, 'answerCallbackQuery failed');
    });
  }

  function notice(key: string, hint: string | undefined): Outbound[] {
    const lang = localeFromHint(hint);
    return [{ kind: 'text', text: deps.i18n.t(lang, key), lang, dir: dirOf(lang) }];
  }

  return async function handleUpdate(update, botUsername, api) {
    const tr = translateUpdate(update, botUsername);
    // A button press for the engine is answered once the engine is done: as a webhook reply that answer ends the
    // HTTP response, which must not happen before the update is processed (and marked as processed).
    if (tr.kind !== 'unsupported' && tr.kind !== 'inbound' && tr.callbackQueryId) answerCallback(tr.callbackQueryId, api);
    const now = deps.clock.now();
    switch (tr.kind) {
      case 'ignore':
        deps.logger.debug({ event: 'telegram_update_ignored', reason: tr.reason }, 'update ignored');
        return;
      case 'group': {
        // Once per group: the key is an HMAC of the chat id, so the store never holds the group's id.
        const key = `tg-group:${deps.userKey('telegram-group', String(tr.chatId))}`;
        if (await deps.store.markProcessed(key, now)) void deps.sender.deliver(tr.chatId, notice('telegram.private_only', tr.localeHint));
        return;
      }
      case 'unsupported':
        if (await deps.store.markProcessed(`telegram:${update.update_id}`, now))
          void deps.sender.deliver(tr.chatId, notice('input.unsupported', tr.localeHint));
        return;
      case 'inbound': {
        const userKey = deps.userKey('telegram', String(tr.fromId));
        // Started before the engine runs so that a `/forget` in this very update also removes it.
        const saved = deps.store.saveAddress(userKey, 'telegram', String(tr.chatId), now);
        const answer = deps.engine.handle({
          ...tr.payload,
          channel: 'telegram',
          userKey,
          messageId: String(update.update_id),
          ...(tr.localeHint ? { localeHint: tr.localeHint } : {}),
        });
        void deps.sender.deliver(tr.chatId, answer);
        try {
          await Promise.all([saved, answer]);
        } catch (e) {
          deps.logger.error({ event: 'telegram_update_failed', kind: tr.payload.kind, err: { name: (e as Error)?.name } }, 'update failed');
          throw e;
        } finally {
          if (tr.callbackQueryId) answerCallback(tr.callbackQueryId, api);
        }
        return;
      }
    }
  };
}
