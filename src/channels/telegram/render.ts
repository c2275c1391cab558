/**
 * Renders core outbound messages as Telegram Bot API calls (pure: no I/O). Every text goes out with
 * `parse_mode: HTML`, escaped, direction-marked and split to fit; media from `content/media/` is uploaded as a file.
 * @see https://core.telegram.org/bots/api#available-methods
 */
import { basename, join } from 'node:path';
import type { Choice, MediaType, Outbound } from '../../core/messages.ts';
import { type InlineButton, inlineKeyboard } from './keyboard.ts';
import { captionText, messageTexts } from './text.ts';

export type ReplyMarkup =
  | { inline_keyboard: InlineButton[][] }
  /** @see https://core.telegram.org/bots/api#replykeyboardmarkup */
  | { keyboard: { text: string; request_location?: boolean }[][]; resize_keyboard: true; one_time_keyboard: true; is_persistent?: boolean };

/** Where a media file comes from: a local file (uploaded) or an https URL (fetched by Telegram). */
export type MediaSource = { path: string } | { url: string };

/** One Bot API call, ready to send. Texts are already escaped for HTML. */
export type TgOp =
  | { method: 'sendMessage'; text: string; reply_markup?: ReplyMarkup }
  | { method: 'sendAudio' | 'sendVoice' | 'sendDocument' | 'sendPhoto'; source: MediaSource; caption?: string }
  | { method: 'sendLocation'; latitude: number; longitude: number }
  | { method: 'sendVenue'; latitude: number; longitude: number; title: string; address: string }
  | { method: 'sendContact'; phone_number: string; first_name: string };

export interface RenderOptions {
  /** Absolute path of `content/media`; `/media/<file>` URLs are read from here. */
  mediaDir: string;
  /** UI string lookup for fallback labels (e.g. "share my location"). */
  t(lang: string, key: string): string;
  /** Called when choices had to be left out (ids Telegram would reject). */
  onDropped?(count: number): void;
}

const MEDIA_METHOD: Record<MediaType, 'sendAudio' | 'sendVoice' | 'sendDocument' | 'sendPhoto'> = {
  audio: 'sendAudio',
  voice: 'sendVoice',
  document: 'sendDocument',
  image: 'sendPhoto',
};

/** Resolves a core media URL: `/media/<file>` → a file inside `mediaDir` (no path escapes); https → URL; else null. */
export function mediaSource(url: string, mediaDir: string): MediaSource | null {
  if (url.startsWith('/media/')) {
    const name = decodeURIComponent(url.slice('/media/'.length));
    if (!name || name !== basename(name) || name.startsWith('.')) return null;
    return { path: join(mediaDir, name) };
  }
  if (/^https:\/\/[^\s]+$/.test(url)) return { url };
  return null;
}

function choicesText(text: string, choices: Choice[], style: 'buttons' | 'list', dir: Outbound['dir'], opts: RenderOptions): TgOp[] {
  const { rows, dropped } = inlineKeyboard(choices, style);
  if (dropped) opts.onDropped?.(dropped);
  const texts = messageTexts(text || '…', dir);
  return texts.map((t, i) =>
    i === texts.length - 1 && rows.length ? { method: 'sendMessage', text: t, reply_markup: { inline_keyboard: rows } } : { method: 'sendMessage', text: t },
  );
}

/** Renders one outbound message as one or more Bot API calls. */
export function renderOutbound(msg: Outbound, opts: RenderOptions): TgOp[] {
  switch (msg.kind) {
    case 'text':
      return messageTexts(msg.text, msg.dir).map((text) => ({ method: 'sendMessage', text }));
    case 'choices':
      return choicesText(msg.text, msg.choices, msg.style, msg.dir, opts);
    case 'media': {
      const source = mediaSource(msg.url, opts.mediaDir);
      if (!source) return msg.caption ? messageTexts(msg.caption, msg.dir).map((text) => ({ method: 'sendMessage', text })) : [];
      return [{ method: MEDIA_METHOD[msg.mediaType], source, ...(msg.caption ? { caption: captionText(msg.caption, msg.dir) } : {}) }];
    }
    case 'location':
      if (msg.name && msg.address) return [{ method: 'sendVenue', latitude: msg.lat, longitude: msg.lon, title: msg.name, address: msg.address }];
      return [{ method: 'sendLocation', latitude: msg.lat, longitude: msg.lon }];
    case 'contact':
      return [{ method: 'sendContact', phone_number: msg.phone, first_name: msg.name }];
    case 'request-location': {
      const buttonLabel = msg.buttonLabel || opts.t(msg.lang, 'telegram.share_location');
      const texts = messageTexts(msg.text, msg.dir);
      return texts.map((text, i) =>
        i < texts.length - 1
          ? { method: 'sendMessage', text }
          : {
              method: 'sendMessage',
              text,
              reply_markup: { keyboard: [[{ text: buttonLabel, request_location: true }]], resize_keyboard: true, one_time_keyboard: true },
            },
      );
    }
  }
}
