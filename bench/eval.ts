/**
 * Prints the matcher/crisis evaluation table for the README: `npx --no node bench/eval.ts [--misses]`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadContent } from '../src/content/loader.ts';
import { createCrisisDetector } from '../src/search/crisis.ts';
import { type EvalSet, evaluate, formatTable } from '../src/search/evaluate.ts';
import { createMatcher } from '../src/search/matcher.ts';

const root = join(import.meta.dirname, '..');
const r = loadContent(process.env.CONTENT_DIR ?? join(root, 'content'));
if (!r.snapshot) {
  console.error(r.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`).join('\n'));
  process.exit(1);
}
const matcher = createMatcher(r.snapshot);
const crisis = createCrisisDetector(r.snapshot.crisis);
const dir = join(root, 'test', 'fixtures', 'eval');
const sets = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as EvalSet);
const order = ['nl', 'en', 'ar', 'ti', 'fa', 'prs', 'so', 'tr', 'uk'];
sets.sort((a, b) => order.indexOf(a.locale) - order.indexOf(b.locale));
const results = sets.map((s) => evaluate(s, matcher, crisis));
console.log(formatTable(results));
if (process.argv.includes('--misses')) {
  for (const res of results) for (const m of res.misses) console.log(`${res.locale}\t${m.expect.join('|')}\t${m.got.join(',') || '-'}\t${m.text}`);
  for (const s of sets) {
    for (const t of s.out_of_scope) {
      const got = matcher.match(s.locale, t);
      if (got.outcome !== 'none')
        console.log(`OOS ${s.locale}\t${got.outcome}\t${got.candidates.map((c) => `${c.topicId}:${c.score.toFixed(2)}`).join(',')}\t${t}`);
    }
    for (const t of [...s.not_crisis, ...s.questions.map((q) => q.text)]) {
      const hit = crisis.detect(t);
      if (hit) console.log(`FALSE ALARM ${s.locale}\t${hit.locale}:${hit.phrase}\t${t}`);
    }
    for (const t of s.crisis) if (!crisis.detect(t)) console.log(`MISSED CRISIS ${s.locale}\t${t}`);
  }
}
