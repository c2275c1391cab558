/**
 * Crisis detection over editor-readable phrase lists (content/crisis/<locale>.yaml).
 * A phrase is a sequence of words matched in order and adjacent; "*" allows up to three words in between;
 * a word ending in "~" also matches words that start with it. All locales' lists are checked together,
 * because people mix languages. Deliberately simple and auditable: no model, no scoring.
 */
import type { CrisisList, CrisisSignal } from '../core/content-types.ts';
import type { CrisisDetector } from '../core/ports.ts';
import { tokens } from './normalize.ts';

type Part = { kind: 'word'; word: string; prefix: boolean } | { kind: 'gap' };

interface CompiledPhrase {
  locale: string;
  signal: CrisisSignal;
  phrase: string;
  parts: Part[];
}

const SIGNAL_ORDER: CrisisSignal[] = ['danger', 'suicide', 'self_harm', 'violence'];
const MAX_GAP = 3;

export function compilePhrase(phrase: string): Part[] {
  const parts: Part[] = [];
  for (const raw of phrase.trim().split(/\s+/)) {
    if (raw === '*') {
      if (parts.length && parts[parts.length - 1]?.kind !== 'gap') parts.push({ kind: 'gap' });
      continue;
    }
    const prefix = raw.endsWith('~');
    // A phrase word may normalise to several tokens (e.g. "zelf-moord"); they must follow each other.
    const ws = tokens(prefix ? raw.slice(0, -1) : raw);
    for (const [i, w] of ws.entries()) parts.push({ kind: 'word', word: w, prefix: prefix && i === ws.length - 1 });
  }
  while (parts[parts.length - 1]?.kind === 'gap') parts.pop();
  while (parts[0]?.kind === 'gap') parts.shift();
  return parts;
}

function wordMatches(p: { word: string; prefix: boolean }, t: string): boolean {
  return p.prefix ? t.startsWith(p.word) : t === p.word;
}

function matchAt(parts: Part[], toks: string[], pi: number, ti: number): boolean {
  if (pi === parts.length) return true;
  const part = parts[pi];
  if (!part) return true;
  if (part.kind === 'gap') {
    for (let skip = 0; skip <= MAX_GAP && ti + skip <= toks.length; skip++) {
      if (matchAt(parts, toks, pi + 1, ti + skip)) return true;
    }
    return false;
  }
  const tok = toks[ti];
  return tok !== undefined && wordMatches(part, tok) && matchAt(parts, toks, pi + 1, ti + 1);
}

export function phraseMatches(parts: Part[], toks: string[]): boolean {
  if (!parts.length) return false;
  for (let i = 0; i < toks.length; i++) if (matchAt(parts, toks, 0, i)) return true;
  return false;
}

export function createCrisisDetector(lists: CrisisList[]): CrisisDetector {
  const compiled: CompiledPhrase[] = [];
  for (const signal of SIGNAL_ORDER) {
    for (const list of lists) {
      for (const phrase of list.signals[signal] ?? []) {
        const parts = compilePhrase(phrase);
        if (parts.length) compiled.push({ locale: list.locale, signal, phrase, parts });
      }
    }
  }
  // Every message is checked against every phrase of every locale: index the phrases by their first word (a phrase
  // can only match where a token equals, or for `~`, starts with it), so a message only tries the few phrases that
  // can start at one of its words. Candidates keep their list order, so the most urgent signal still wins.
  const byFirst = new Map<string, number[]>();
  const prefixFirst: { word: string; i: number }[] = [];
  for (const [i, c] of compiled.entries()) {
    const first = c.parts[0];
    if (first?.kind !== 'word') continue;
    if (first.prefix) prefixFirst.push({ word: first.word, i });
    else byFirst.set(first.word, [...(byFirst.get(first.word) ?? []), i]);
  }
  return {
    detect(text) {
      const toks = tokens(text);
      if (!toks.length) return null;
      const candidates = new Set<number>();
      for (const t of toks) {
        for (const i of byFirst.get(t) ?? []) candidates.add(i);
        for (const p of prefixFirst) if (t.startsWith(p.word)) candidates.add(p.i);
      }
      for (const i of [...candidates].sort((x, y) => x - y)) {
        const c = compiled[i] as CompiledPhrase;
        if (phraseMatches(c.parts, toks)) return { signal: c.signal, locale: c.locale, phrase: c.phrase };
      }
      return null;
    },
  };
}
