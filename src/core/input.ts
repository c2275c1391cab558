/**
 * Cleaning and classifying inbound text before anything else sees it.
 */
import { MAX_INBOUND_TEXT } from './messages.ts';

// C0/C1 controls except tab and newline; zero-width space/joiner, word joiner, BOM, bidi controls.
// ZWNJ (U+200C) is kept: Persian and Dari need it inside words.
const STRIP_RE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]|\u200D/g;

export type CleanText = { ok: true; text: string } | { ok: false; reason: 'empty' | 'too_long' };

export function cleanText(raw: string): CleanText {
  if (typeof raw !== 'string') return { ok: false, reason: 'empty' };
  if (raw.length > MAX_INBOUND_TEXT) return { ok: false, reason: 'too_long' };
  const text = raw
    .replace(STRIP_RE, '')
    .replace(/\u200C{2,}/g, '\u200C')
    .trim();
  if (!text || /^[\s\u200C]*$/.test(text)) return { ok: false, reason: 'empty' };
  return { ok: true, text };
}

/** Lower-cased, punctuation-free form used to compare short navigation words. */
export function navForm(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const DIGITS: Record<string, string> = {};
for (let i = 0; i < 10; i++) {
  DIGITS[String.fromCharCode(0x0660 + i)] = String(i); // Arabic-Indic
  DIGITS[String.fromCharCode(0x06f0 + i)] = String(i); // Extended (Persian/Dari)
}
for (let i = 1; i < 10; i++) DIGITS[String.fromCharCode(0x1368 + i)] = String(i); // Ethiopic ፩..፱

/** A typed number for a numbered choice: "2", "٢", "۲", "2." → 2. */
export function parseDigit(text: string): number | null {
  const t = text.trim().replace(/[.)]$/, '');
  if (t.length === 0 || t.length > 2) return null;
  const ascii = [...t].map((c) => DIGITS[c] ?? c).join('');
  return /^\d{1,2}$/.test(ascii) ? Number(ascii) : null;
}
