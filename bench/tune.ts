/**
 * Chooses matcher thresholds without looking at the public evaluation set:
 * - recall: leave-one-out over the catalogue's own question variants (each variant is removed from its topic and
 *   asked as a question);
 * - abstention: bench/tune-oos.json, our own off-topic questions (not the evaluation set's).
 * `npx --no node bench/tune.ts` prints a grid; the chosen values go into DEFAULT_MATCHER_OPTIONS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadContent } from '../src/content/loader.ts';
import type { ContentSnapshot } from '../src/core/content-types.ts';
import { createMatcher, splitOffTopic } from '../src/search/matcher.ts';

const root = join(import.meta.dirname, '..');
const r = loadContent(process.env.CONTENT_DIR ?? join(root, 'content'));
if (!r.snapshot) throw new Error('content invalid');
const snap = r.snapshot;
const oos = JSON.parse(readFileSync(join(root, 'bench', 'tune-oos.json'), 'utf8')) as Record<string, string[]>;

const extra = { idfPower: Number(process.env.IDF_POWER ?? 2), partialCredit: Number(process.env.PARTIAL ?? 1), definingBonus: Number(process.env.BONUS ?? 2) };
console.log(extra);
type Case = { locale: string; text: string; expect: string; ranked: { topicId: string; score: number; bm25: number; raw: number }[]; fallback: boolean };
const cases: Case[] = [];
for (const loc of snap.locales) {
  for (const topic of snap.topics.values()) {
    const t = topic.texts[loc.code];
    if (!t) continue;
    t.questions.forEach((q, i) => {
      const without: ContentSnapshot = {
        ...snap,
        locales: [loc],
        topics: new Map(snap.topics).set(topic.id, {
          ...topic,
          texts: { ...topic.texts, [loc.code]: { ...t, questions: t.questions.filter((_, j) => j !== i) } },
        }),
      };
      const m = createMatcher(without, { fallbackLocales: [], ...extra });
      cases.push({ locale: loc.code, text: q, expect: topic.id, ranked: m.rank(loc.code, q).candidates, fallback: false });
    });
  }
}
const full = createMatcher(snap, { fallbackLocales: [], ...extra });
const oosCases = Object.entries(oos).flatMap(([locale, texts]) => texts.map((text) => ({ locale, text, ranked: full.rank(locale, text).candidates })));

/** The matcher's own rule (`splitOffTopic`): topics at or above the threshold, unless the off-topic document wins. */
function confident(ranked: Case['ranked'], choice: number) {
  const { cands, offTopic } = splitOffTopic(ranked, choice);
  return offTopic ? [] : cands.filter((x) => x.score >= choice);
}
const perLocale = new Map<string, { n: number; top3: number; oos: number; abstain: number }>();
const bucket = (l: string) => perLocale.get(l) ?? perLocale.set(l, { n: 0, top3: 0, oos: 0, abstain: 0 }).get(l)!;
for (const choice of [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]) {
  let top1 = 0;
  let top3 = 0;
  for (const c of cases) {
    const conf = confident(c.ranked, choice);
    if (conf[0]?.topicId === c.expect) top1++;
    const hit = conf.slice(0, 3).some((x) => x.topicId === c.expect);
    if (hit) top3++;
    if (choice === 0.45) {
      const b = bucket(c.locale);
      b.n++;
      if (hit) b.top3++;
    }
  }
  const abstain = oosCases.filter((c) => {
    const none = confident(c.ranked, choice).length === 0;
    if (choice === 0.45) {
      const b = bucket(c.locale);
      b.oos++;
      if (none) b.abstain++;
    }
    return none;
  }).length;
  console.log(
    `choice>=${choice.toFixed(2)}  LOO top1 ${((100 * top1) / cases.length).toFixed(1)}%  top3 ${((100 * top3) / cases.length).toFixed(1)}%  OOS abstain ${((100 * abstain) / oosCases.length).toFixed(1)}%  (n=${cases.length}, oos=${oosCases.length})`,
  );
}
for (const [l, b] of perLocale)
  console.log(`${l}  LOO top3 ${((100 * b.top3) / b.n).toFixed(1)}% (${b.n})  OOS abstain ${((100 * b.abstain) / Math.max(1, b.oos)).toFixed(1)}% (${b.oos})`);
