/**
 * The evaluation harness: JSON Lines `{"locale":"ar","text":"..."}` in, one line per input out:
 * `{"locale":"ar","text":"...","matches":["topic-id",...],"crisis":false}`. `matches` holds only confident
 * topic ids (a direct answer, or the offered candidates), best first, at most 5.
 */

import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadContent } from '../content/loader.ts';
import { ContentLoadError } from '../content/store.ts';
import { createCrisisDetector } from '../search/crisis.ts';
import { createMatcher } from '../search/matcher.ts';
import type { CliIo } from './util.ts';

export async function matchCommand(_args: string[], io: CliIo): Promise<number> {
  const r = loadContent(resolve(process.env.CONTENT_DIR ?? 'content'));
  if (!r.snapshot) throw new ContentLoadError(r.errors);
  const matcher = createMatcher(r.snapshot);
  const crisis = createCrisisDetector(r.snapshot.crisis);
  const rl = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of rl) {
    if (!raw.trim()) continue;
    let locale = 'nl';
    let text = '';
    try {
      const o = JSON.parse(raw) as { locale?: unknown; text?: unknown };
      if (typeof o.locale === 'string') locale = o.locale;
      if (typeof o.text === 'string') text = o.text;
    } catch {
      io.stdout.write(`${JSON.stringify({ locale, text, matches: [], crisis: false, error: 'invalid JSON' })}\n`);
      continue;
    }
    const res = matcher.match(locale, text);
    const matches = res.outcome === 'none' ? [] : res.candidates.slice(0, res.outcome === 'answer' ? 5 : 3).map((c) => c.topicId);
    io.stdout.write(`${JSON.stringify({ locale, text, matches, crisis: crisis.detect(text) !== null })}\n`);
  }
  return 0;
}
