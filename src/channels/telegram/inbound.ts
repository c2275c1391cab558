/**
 * Translates Telegram updates into core inbound payloads (pure: no I/O). Every update type is decided here on
 * purpose: handled, answered with a short notice, or ignored.
 * @see https://core.telegram.org/bots/api#update
 */
import type { Message, Update } from 'grammy/types';
import type { InboundPayload } from '../../core/messages.ts';

/** The update types the bot asks Telegram for (setWebhook / getUpdates `allowed_updates`). */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'edited_message', 'channel_post', 'my_chat_member'] as const;

/** What to do with one update. Chat and user ids are returned for addressing only; never log them. */
export type Translation =
  /** A message for the engine. `callbackQueryId` must be answered (always). */
  | { kind: 'inbound'; chatId: number; fromId: number; payload: InboundPayload; localeHint?: string; callbackQueryId?: string }
  /** A message in a group, supergroup or channel chat: say once that the bot works in private chats only. */
  | { kind: 'group'; chatId: number; localeHint?: string; callbackQueryId?: string }
  /** A private message of a kind we cannot use (contact, poll, dice, ...): a short notice, no engine round. */
  | { kind: 'unsupported'; chatId: number; fromId: number; localeHint?: string }
  /** Deliberately ignored; `callbackQueryId` is still answered when present. */
  | { kind: 'ignore'; reason: string; callbackQueryId?: string };

const COMMAND_RE = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/;

/** Only a plausible IETF tag becomes a hint (the webhook is authenticated, but a hint must never break the engine). */
function hint(code: unknown): { localeHint?: string } {
  return typeof code === 'string' && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,2}$/.test(code) ? { localeHint: code } : {};
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const optStr = (v: unknown) => v === undefined || typeof v === 'string';

/**
 * True when the parts of an update this module reads have the types the Bot API documents. Telegram never sends
 * anything else, but a malformed update must end as a deliberate ignore, not as an exception.
 */
function wellFormed(u: Record<string, unknown>): boolean {
  const chatOk = (c: unknown) => isObj(c) && isId(c.id) && typeof c.type === 'string';
  const userOk = (f: unknown) => isObj(f) && isId(f.id);
  const q = u.callback_query;
  if (q !== undefined) {
    if (!isObj(q) || typeof q.id !== 'string' || !userOk(q.from) || !optStr(q.data)) return false;
    return q.message === undefined || (isObj(q.message) && chatOk(q.message.chat));
  }
  const m = u.message;
  if (m === undefined) return true;
  if (!isObj(m) || !chatOk(m.chat) || (m.from !== undefined && !userOk(m.from))) return false;
  if (!optStr(m.text) || !optStr(m.caption)) return false;
  const media = ['voice', 'audio', 'document', 'sticker', 'animation', 'video', 'video_note', 'location'];
  if (media.some((k) => m[k] !== undefined && !isObj(m[k]))) return false;
  return m.photo === undefined || (Array.isArray(m.photo) && m.photo.every(isObj));
}

/** A file id only when it is one (a string), so a malformed one never reaches the engine. */
const ref = (media: { file_id?: unknown } | undefined): { ref?: string } => (typeof media?.file_id === 'string' ? { ref: media.file_id } : {});

/** Text messages: slash commands become core commands (`/start@wegwijs_bot payload` → start + args). */
function textPayload(text: string, botUsername?: string): InboundPayload | null {
  const m = COMMAND_RE.exec(text.trim());
  if (m?.[1]) {
    if (m[2] && botUsername && m[2].toLowerCase() !== botUsername.toLowerCase()) return null;
    const args = m[3]?.trim();
    return { kind: 'command', command: m[1].toLowerCase(), ...(args ? { args } : {}) };
  }
  return { kind: 'text', text };
}

/** Core payload of a private message, or null when its kind is not supported. */
export function messagePayload(msg: Message, botUsername?: string): InboundPayload | null {
  if (typeof msg.text === 'string') return textPayload(msg.text, botUsername);
  const caption = msg.caption ? { caption: msg.caption } : {};
  if (msg.location) {
    const { latitude: lat, longitude: lon } = msg.location;
    if (Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) return { kind: 'location', lat, lon };
    return null;
  }
  if (msg.voice) return { kind: 'media', mediaType: 'voice', ...ref(msg.voice), ...caption };
  if (msg.audio) return { kind: 'media', mediaType: 'audio', ...ref(msg.audio), ...caption };
  if (msg.photo?.length) return { kind: 'media', mediaType: 'image', ...ref(msg.photo[msg.photo.length - 1]), ...caption };
  if (msg.document) return { kind: 'media', mediaType: 'document', ...ref(msg.document), ...caption };
  // Stickers, GIFs and videos are pictures to the user: the engine answers "I can't read pictures" with the menu.
  if (msg.sticker) return { kind: 'media', mediaType: 'image' };
  if (msg.animation || msg.video || msg.video_note) return { kind: 'media', mediaType: 'document', ...caption };
  return null;
}

/** Service messages (member joined, pinned, ...) carry no user content: ignore silently. */
function isServiceMessage(msg: Message): boolean {
  return !(
    msg.text !== undefined ||
    msg.caption !== undefined ||
    msg.location ||
    msg.voice ||
    msg.audio ||
    msg.photo ||
    msg.document ||
    msg.sticker ||
    msg.animation ||
    msg.video ||
    msg.video_note ||
    msg.contact ||
    msg.poll ||
    msg.dice ||
    msg.venue ||
    msg.game ||
    msg.story
  );
}

/** Decides what to do with one update. `botUsername` filters `/cmd@otherbot`. */
export function translateUpdate(update: Update, botUsername?: string): Translation {
  if (!isObj(update) || !wellFormed(update as unknown as Record<string, unknown>)) {
    const id = isObj(update) && isObj(update.callback_query) && typeof update.callback_query.id === 'string' ? update.callback_query.id : undefined;
    return { kind: 'ignore', reason: 'malformed', ...(id ? { callbackQueryId: id } : {}) };
  }
  if (update.callback_query) {
    const q = update.callback_query;
    const chat = q.message?.chat;
    const callbackQueryId = q.id;
    if (chat && chat.type !== 'private') return { kind: 'group', chatId: chat.id, callbackQueryId, ...hint(q.from.language_code) };
    if (!q.data) return { kind: 'ignore', reason: 'callback_without_data', callbackQueryId };
    return {
      kind: 'inbound',
      chatId: chat?.id ?? q.from.id,
      fromId: q.from.id,
      payload: { kind: 'choice', id: q.data },
      callbackQueryId,
      ...hint(q.from.language_code),
    };
  }
  if (update.message) {
    const msg = update.message;
    if (msg.chat.type !== 'private') {
      // Service messages (e.g. "bot added to group") also trigger the one-time notice: the group learns it early.
      return { kind: 'group', chatId: msg.chat.id, ...hint(msg.from?.language_code) };
    }
    if (!msg.from || msg.from.is_bot) return { kind: 'ignore', reason: 'not_from_user' };
    if (isServiceMessage(msg)) return { kind: 'ignore', reason: 'service_message' };
    const payload = messagePayload(msg, botUsername);
    if (!payload) {
      if (typeof msg.text === 'string') return { kind: 'ignore', reason: 'command_for_other_bot' };
      return { kind: 'unsupported', chatId: msg.chat.id, fromId: msg.from.id, ...hint(msg.from.language_code) };
    }
    return { kind: 'inbound', chatId: msg.chat.id, fromId: msg.from.id, payload, ...hint(msg.from.language_code) };
  }
  // An edit of a message we already answered: answering again would duplicate (live locations also arrive as edits).
  if (update.edited_message) return { kind: 'ignore', reason: 'edited_message' };
  // The bot does not post in channels; a channel admin adding it gets no reply there.
  if (update.channel_post || update.edited_channel_post) return { kind: 'ignore', reason: 'channel_post' };
  // Blocked/unblocked or added to a chat: nothing to say (a group notice follows on its first message).
  if (update.my_chat_member) return { kind: 'ignore', reason: 'my_chat_member' };
  return { kind: 'ignore', reason: 'unsupported_update' };
}
