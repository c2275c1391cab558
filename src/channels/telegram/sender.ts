/**
 * Delivers rendered messages to Telegram chats through a per-chat ordered queue. Retries (429 with `retry_after`,
 * 5xx and network errors with backoff) happen inside grammY's auto-retry transformer; this module bounds how long
 * one call may keep retrying, so one unreachable chat never blocks shutdown.
 * @see https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
 */
import { existsSync } from 'node:fs';
import { type Api, GrammyError, InputFile } from 'grammy';
import type { Outbound } from '../../core/messages.ts';
import type { Logger } from '../../core/ports.ts';
import { createChatQueue, createLimiter } from './chat-queue.ts';
import { type RenderOptions, renderOutbound, type TgOp } from './render.ts';

export interface TelegramSenderDeps {
  api: Api;
  render: RenderOptions;
  logger: Logger;
  /** Upper bound for one API call including its retries (default 120 s). */
  callTimeoutMs?: number;
  /**
   * Bot API requests in flight at once, over all chats (default 64). Unbounded, a burst of replies opens a
   * connection storm whose slowest requests take many seconds; too few, and replies queue up behind each other
   * (see docs/telegram-setup.md, load run). Telegram itself allows about 30 messages a second in total.
   */
  maxInFlight?: number;
}

export interface TelegramSender {
  /**
   * Queues messages for a chat behind everything queued for it before. `messages` may be a promise (the engine's
   * answer): its place in the queue is taken now, so order follows arrival even while the engine still works.
   * The returned promise resolves when the messages were sent (or given up); it never rejects.
   */
  deliver(chatId: number | string, messages: Outbound[] | Promise<Outbound[]>): Promise<void>;
  /** Resolves when every queued message was handled. */
  idle(): Promise<void>;
  /** Waits up to `graceMs` for queued messages, then aborts the rest. */
  close(graceMs?: number): Promise<void>;
}

/** grammY types its signal parameter with the abort-controller polyfill; at run time it accepts Node's own. */
type GrammySignal = Parameters<Api['sendMessage']>[3];

function errorCode(e: unknown): number | string {
  if (e instanceof GrammyError) return e.error_code;
  return (e as { name?: string })?.name ?? 'error';
}

export function createTelegramSender(deps: TelegramSenderDeps): TelegramSender {
  const queue = createChatQueue();
  const closing = new AbortController();
  const timeoutMs = deps.callTimeoutMs ?? 120_000;
  const limiter = createLimiter(deps.maxInFlight ?? 64);

  async function call(chatId: number | string, op: TgOp, nativeSignal: AbortSignal): Promise<void> {
    const signal = nativeSignal as unknown as GrammySignal;
    const html = { parse_mode: 'HTML' as const };
    switch (op.method) {
      case 'sendMessage':
        await deps.api.sendMessage(
          chatId,
          op.text,
          { ...html, link_preview_options: { is_disabled: true }, ...(op.reply_markup ? { reply_markup: op.reply_markup } : {}) },
          signal,
        );
        return;
      case 'sendAudio':
      case 'sendVoice':
      case 'sendDocument':
      case 'sendPhoto': {
        if ('path' in op.source && !existsSync(op.source.path)) {
          deps.logger.warn({ event: 'telegram_media_missing', method: op.method }, 'media file not found');
          return;
        }
        const file = 'path' in op.source ? new InputFile(op.source.path) : op.source.url;
        const other = { ...html, ...(op.caption ? { caption: op.caption } : {}) };
        if (op.method === 'sendAudio') await deps.api.sendAudio(chatId, file, other, signal);
        else if (op.method === 'sendVoice') await deps.api.sendVoice(chatId, file, other, signal);
        else if (op.method === 'sendDocument') await deps.api.sendDocument(chatId, file, other, signal);
        else await deps.api.sendPhoto(chatId, file, other, signal);
        return;
      }
      case 'sendLocation':
        await deps.api.sendLocation(chatId, op.latitude, op.longitude, {}, signal);
        return;
      case 'sendVenue':
        await deps.api.sendVenue(chatId, op.latitude, op.longitude, op.title, op.address, {}, signal);
        return;
      case 'sendContact':
        await deps.api.sendContact(chatId, op.phone_number, op.first_name, {}, signal);
        return;
    }
  }

  async function sendAll(chatId: number | string, messages: Outbound[]): Promise<void> {
    const ops = messages.flatMap((m) => renderOutbound(m, deps.render));
    for (const op of ops) {
      if (closing.signal.aborted) return;
      try {
        await limiter.run(() => call(chatId, op, AbortSignal.any([closing.signal, AbortSignal.timeout(timeoutMs)])));
      } catch (e) {
        const code = errorCode(e);
        deps.logger.warn({ event: 'telegram_send_failed', method: op.method, code }, 'telegram send failed');
        // 403: the user blocked the bot or deleted the chat; the rest of this batch cannot arrive either.
        if (code === 403) return;
      }
    }
  }

  return {
    deliver(chatId, messages) {
      return queue.run(String(chatId), async () => {
        let list: Outbound[];
        try {
          list = await messages;
        } catch {
          return; // the engine failed; the update handler reports it
        }
        if (list.length) await sendAll(chatId, list);
      });
    },
    idle: () => queue.idle(),
    async close(graceMs = 5_000) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([queue.idle(), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      closing.abort();
      await queue.idle();
    },
  };
}
