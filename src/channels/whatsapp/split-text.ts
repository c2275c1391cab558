/**
 * Splits long texts into parts that fit a platform limit, at the cleanest place available:
 * a paragraph break, else a line break, else a sentence end (Latin, Arabic and Ethiopic punctuation), else a
 * space, else a hard cut that never separates a surrogate pair. Lengths are UTF-16 code units, which is never less
 * than the character count WhatsApp applies.
 */

const SENTENCE_END = /[.!?؟۔።፧]\s/g;

function lastBreak(window: string, re: RegExp, minAt: number): number {
  let best = -1;
  for (const m of window.matchAll(re)) {
    const end = (m.index ?? 0) + m[0].length;
    if (end >= minAt && end <= window.length) best = end;
  }
  return best;
}

function cutAt(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  const minAt = Math.floor(max * 0.3);
  for (const re of [/\n\s*\n/g, /\n/g, SENTENCE_END, /\s/g]) {
    const at = lastBreak(window, re, minAt);
    if (at > 0) return Math.min(at, max);
  }
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/** Splits `text` into trimmed parts of at most `max` UTF-16 code units each. */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const at = cutAt(rest, max);
    const part = rest.slice(0, at).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(at).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}
