/**
 * WhatsApp message limits and the checks that decide how a menu is rendered. Lengths are UTF-16 code units.
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-reply-buttons-messages
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-list-messages
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/messages/text-messages
 */
import type { Choice } from '../../core/messages.ts';

export const LIMITS = {
  text: 4096,
  body: 1024,
  caption: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listRows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  listButton: 20,
  sectionTitle: 24,
} as const;

const trimmed = (s: string) => s.trim();
const unique = (xs: string[]) => new Set(xs).size === xs.length;

/** Reply buttons: 1-3 choices, titles 1-20 characters and unique, ids unique and short enough. */
export function fitsButtons(choices: Choice[]): boolean {
  if (choices.length < 1 || choices.length > LIMITS.buttons) return false;
  const titles = choices.map((c) => trimmed(c.label));
  if (titles.some((t) => t.length < 1 || t.length > LIMITS.buttonTitle)) return false;
  return unique(titles) && unique(choices.map((c) => c.id)) && choices.every((c) => c.id.length >= 1 && c.id.length <= LIMITS.buttonId);
}

/**
 * A list message: 1-10 rows in total, row titles 1-24 characters, unique row ids. Descriptions over 72 characters
 * and a list button over 20 are shortened by the renderer rather than rejected; section titles must fit 24.
 */
export function fitsList(choices: Choice[], sectionTitles: string[] = []): boolean {
  if (choices.length < 1 || choices.length > LIMITS.listRows) return false;
  if (choices.some((c) => trimmed(c.label).length < 1 || trimmed(c.label).length > LIMITS.rowTitle)) return false;
  if (sectionTitles.some((t) => t.length > LIMITS.sectionTitle)) return false;
  return unique(choices.map((c) => c.id)) && choices.every((c) => c.id.length >= 1 && c.id.length <= LIMITS.rowId);
}

/** Shortens to `max` code units, at a word boundary when one is near, with an ellipsis. */
export function shorten(text: string, max: number): string {
  const t = text.trim();
  if (t.length <= max) return t;
  let cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  if (space >= max * 0.6) cut = cut.slice(0, space);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}
