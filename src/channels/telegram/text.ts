/**
 * Text helpers for Telegram: HTML escaping, the right-to-left mark, and splitting long texts at paragraph
 * boundaries so that no message exceeds Telegram's limit.
 */
import type { Dir } from '../../core/messages.ts';

/**
 * Maximum length of a message text after entity parsing.
 * @see https://core.telegram.org/bots/api#sendmessage
 */
export const MAX_MESSAGE = 4096;
/** @see https://core.telegram.org/bots/api#sendphoto (caption: 0-1024 characters after entity parsing) */
export const MAX_CAPTION = 1024;
/** U+200F RIGHT-TO-LEFT MARK: makes Telegram clients lay out a message right to left even if it starts with a digit or Latin word. */
export const RLM = '\u200F';

/**
 * Escapes text for `parse_mode: HTML`. Telegram requires `<`, `>` and `&` outside tags to be written as entities;
 * after parsing, each entity counts as one character, so escaping does not change the length Telegram measures.
 * @see https://core.telegram.org/bots/api#html-style
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Prefixes the direction mark for right-to-left messages (once; idempotent). */
export function withDir(text: string, dir: Dir): string {
  return dir === 'rtl' && !text.startsWith(RLM) ? RLM + text : text;
}

/** Cuts `text` into pieces of at most `limit` UTF-16 code units, never inside a surrogate pair. */
function hardCut(text: string, limit: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = limit;
    const space = rest.lastIndexOf(' ', limit);
    if (space > limit / 2) cut = space;
    else if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut -= 1;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

/**
 * Packs units (paragraphs or lines) into chunks joined by `sep`: a chunk grows up to `soft`; a unit longer than
 * `hard` is cut finer first.
 */
function pack(units: string[], sep: string, soft: number, hard: number, finer: (u: string) => string[]): string[] {
  const chunks: string[] = [];
  let cur = '';
  for (const unit of units) {
    const parts = unit.length > hard ? finer(unit) : [unit];
    for (const part of parts) {
      if (!cur) cur = part;
      else if (cur.length + sep.length + part.length <= soft) cur += sep + part;
      else {
        chunks.push(cur);
        cur = part;
      }
    }
  }
  if (cur) chunks.push(cur);
  return chunks;
}

function packText(text: string, soft: number, hard: number): string[] {
  const paragraphs = text.split(/\n{2,}/).filter((p) => p.trim());
  return pack(paragraphs, '\n\n', soft, hard, (p) => pack(p.split('\n'), '\n', hard, hard, (line) => hardCut(line, hard)));
}

/**
 * Splits a text into messages of at most `limit` characters (UTF-16 code units, the unit Telegram counts in),
 * preferring paragraph boundaries (blank lines), then line breaks, then spaces. Pieces are balanced: a text that
 * needs two messages becomes two halves, not a full message and a stray last line. Lengths are of the raw text:
 * escape each piece afterwards (entities count as one character).
 */
export function splitText(text: string, limit = MAX_MESSAGE): string[] {
  if (text.length <= limit) return [text];
  const greedy = packText(text, limit, limit);
  const step = Math.ceil(limit / 20);
  for (let soft = Math.ceil(text.length / greedy.length); soft < limit; soft += step) {
    const balanced = packText(text, soft, limit);
    if (balanced.length <= greedy.length) return balanced;
  }
  return greedy;
}

/** Splits and prepares a text for sending: each piece gets the direction mark and is HTML-escaped. */
export function messageTexts(text: string, dir: Dir, limit = MAX_MESSAGE): string[] {
  const mark = dir === 'rtl' ? RLM.length : 0;
  const body = text.startsWith(RLM) ? text.slice(RLM.length) : text;
  return splitText(body, limit - mark).map((piece) => escapeHtml(withDir(piece, dir)));
}

/** A caption that fits: truncated with an ellipsis at 1024 characters, direction-marked and escaped. */
export function captionText(text: string, dir: Dir): string {
  const marked = withDir(text, dir);
  let cut = MAX_CAPTION - 1;
  if (/[\uD800-\uDBFF]/.test(marked.charAt(cut - 1))) cut -= 1;
  const fitted = marked.length > MAX_CAPTION ? `${marked.slice(0, cut).trimEnd()}…` : marked;
  return escapeHtml(fitted);
}
