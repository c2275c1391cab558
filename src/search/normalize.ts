/**
 * Text normalisation shared by the search index, the queries and the crisis lists, so both sides
 * always agree. Rules per script (each has a test in test/search/normalize.test.ts):
 * - all: Unicode NFKC and lower case;
 * - digits: Arabic-Indic (٠–٩) and Persian (۰–۹) digits → 0–9, so "۱۱۳" finds what "113" finds;
 * - Arabic script (ar, fa, prs): harakat, superscript alef and tatweel removed; alef forms (أ إ آ ٱ) → ا;
 *   ي ى ی → ي; ك ک → ك; ة → ه; ۀ → ه; ؤ → و; ئ → ي; Persian ZWNJ kept inside words;
 * - Ge'ez (ti): letter families used interchangeably are one letter, in every vowel order:
 *   ሐ ኀ → ሀ, ሠ → ሰ, ዐ → አ, ፀ → ጸ; and the first and fourth order of አ (አ/ኣ) are one;
 * - Latin: diacritics removed (é → e, ü → u, ş → s, ı → i), as users often drop them;
 * - Cyrillic: ґ → г (often typed without the upturn); other letters kept (й is not и);
 * - apostrophes inside words are dropped (Ukrainian вб'ю = вбю, English don't = dont), as users often omit them.
 */

const ZWNJ = '\u200C';

function mapChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  // Arabic script
  if (cp >= 0x064b && cp <= 0x065f) return '';
  if (cp === 0x0670 || cp === 0x0640) return '';
  if (cp >= 0x0660 && cp <= 0x0669) return String(cp - 0x0660);
  if (cp >= 0x06f0 && cp <= 0x06f9) return String(cp - 0x06f0);
  switch (ch) {
    case 'أ':
    case 'إ':
    case 'آ':
    case 'ٱ':
      return 'ا';
    case 'ى':
    case 'ی':
    case 'ئ':
      return 'ي';
    case 'ک':
      return 'ك';
    case 'ة':
    case 'ۀ':
      return 'ه';
    case 'ؤ':
      return 'و';
    case 'ı':
      return 'i';
    case 'ß':
      return 'ss';
    case 'ґ':
      return 'г';
  }
  // Ge'ez families: each consonant occupies 8 code points (orders 1..8)
  if (cp >= 0x1210 && cp <= 0x1217) return String.fromCodePoint(cp - 0x10); // ሐ → ሀ
  if (cp >= 0x1280 && cp <= 0x1287) return String.fromCodePoint(cp - 0x80); // ኀ → ሀ
  if (cp >= 0x1220 && cp <= 0x1227) return String.fromCodePoint(cp + 0x10); // ሠ → ሰ
  if (cp >= 0x12d0 && cp <= 0x12d7) return norm12a0(cp - 0x30); // ዐ → አ
  if (cp >= 0x1340 && cp <= 0x1347) return String.fromCodePoint(cp - 0x08); // ፀ → ጸ
  if (cp >= 0x12a0 && cp <= 0x12a7) return norm12a0(cp);
  return ch;
}

function norm12a0(cp: number): string {
  return String.fromCodePoint(cp === 0x12a3 ? 0x12a0 : cp); // ኣ → አ
}

/** Normalises a whole string (keeps spaces and punctuation; use `tokens` to split). */
export function normalize(input: string): string {
  const lowered = input.normalize('NFKC').toLowerCase();
  let out = '';
  // Decompose only Latin letters so that their diacritics can be dropped; other scripts stay composed
  // (Ukrainian й and Arabic letters must not lose their marks by accident).
  for (const ch of lowered) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === 'ı' || ch === 'ß') {
      out += mapChar(ch);
    } else if ((cp >= 0x00c0 && cp <= 0x024f) || (cp >= 0x1e00 && cp <= 0x1eff)) {
      out += ch.normalize('NFD').replace(/\p{M}+/gu, '');
    } else {
      out += mapChar(ch);
    }
  }
  // Combining marks left over after Latin letters typed as base + mark
  return out
    .replace(/([a-z])\p{M}+/gu, '$1')
    .replace(/(\p{L})['\u2019\u02BC`´](?=\p{L})/gu, '$1')
    .normalize('NFC');
}

/** Splits normalised text into word tokens. ZWNJ stays inside Persian words, never at their edges. */
export function tokens(input: string): string[] {
  const norm = normalize(input);
  const out: string[] = [];
  for (const raw of norm.split(/[^\p{L}\p{N}\u200C]+/u)) {
    let t = raw;
    while (t.startsWith(ZWNJ)) t = t.slice(1);
    while (t.endsWith(ZWNJ)) t = t.slice(0, -1);
    if (t) out.push(t);
  }
  return out;
}
