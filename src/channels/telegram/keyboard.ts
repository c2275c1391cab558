/**
 * Inline keyboards from core choices. Menus (`list`) get one button per row so that long, translated labels stay
 * readable; short `buttons` (yes/no, back/menu) sit side by side. Never more than 8 buttons in a row, and only
 * callback data Telegram accepts (1-64 bytes; core ids are ASCII, so bytes = characters).
 * @see https://core.telegram.org/bots/api#inlinekeyboardmarkup
 * @see https://core.telegram.org/bots/api#inlinekeyboardbutton
 */
import type { Choice } from '../../core/messages.ts';

export const MAX_BUTTONS_PER_ROW = 8;
export const MAX_CALLBACK_DATA = 64;
/** Telegram accepts at most 100 buttons in one inline keyboard (undocumented server limit). */
export const MAX_BUTTONS = 100;
/** Label width (in characters) that still fits side by side with others on a phone screen. */
const ROW_WIDTH = 30;

export interface InlineButton {
  text: string;
  callback_data: string;
}

/** True when Telegram accepts `id` as callback data: printable ASCII, 1-64 bytes. */
export function validCallbackData(id: string): boolean {
  return /^[\x21-\x7e]{1,64}$/.test(id) && Buffer.byteLength(id, 'utf8') <= MAX_CALLBACK_DATA;
}

/** Visible width of a label: user-perceived characters, not UTF-16 units. */
function width(label: string): number {
  return [...label].length;
}

function label(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return [...clean].length > 64 ? `${[...clean].slice(0, 63).join('')}…` : clean || '…';
}

/**
 * Lays out choices as inline keyboard rows. Choices with ids Telegram would reject are left out (and counted in
 * `dropped`) rather than letting the whole message fail.
 */
export function inlineKeyboard(choices: Choice[], style: 'buttons' | 'list'): { rows: InlineButton[][]; dropped: number } {
  const buttons = choices.filter((c) => validCallbackData(c.id)).slice(0, MAX_BUTTONS);
  const dropped = choices.length - buttons.length;
  const mapped = buttons.map((c) => ({ text: label(c.label), callback_data: c.id }));
  if (style === 'list') return { rows: mapped.map((b) => [b]), dropped };
  const rows: InlineButton[][] = [];
  let row: InlineButton[] = [];
  let used = 0;
  for (const b of mapped) {
    const w = width(b.text) + 2;
    if (row.length && (row.length >= MAX_BUTTONS_PER_ROW || used + w > ROW_WIDTH)) {
      rows.push(row);
      row = [];
      used = 0;
    }
    row.push(b);
    used += w;
  }
  if (row.length) rows.push(row);
  return { rows, dropped };
}
