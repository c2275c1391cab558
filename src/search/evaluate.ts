/**
 * Evaluation of the matcher and crisis detector on a labelled set (test/fixtures/eval/<locale>.json).
 * Used by the floors test and by `npm run -s bench -- eval`, which prints the README table.
 */
import type { CrisisDetector, Matcher } from '../core/ports.ts';

export interface EvalSet {
  locale: string;
  questions: { text: string; expect: string[] }[];
  crisis: string[];
  not_crisis: string[];
  out_of_scope: string[];
}

export interface EvalResult {
  locale: string;
  questions: number;
  top1: number;
  top3: number;
  crisisRecall: number;
  crisisTotal: number;
  falseAlarms: number;
  falseAlarmBase: number;
  abstention: number;
  outOfScope: number;
  misses: { text: string; expect: string[]; got: string[] }[];
}

/** The harness's notion of "matches": confident topic ids only, best first. */
export function confidentMatches(matcher: Matcher, locale: string, text: string): string[] {
  const r = matcher.match(locale, text);
  if (r.outcome === 'none') return [];
  return r.candidates.slice(0, r.outcome === 'answer' ? 5 : 3).map((c) => c.topicId);
}

export function evaluate(set: EvalSet, matcher: Matcher, crisis: CrisisDetector): EvalResult {
  let top1 = 0;
  let top3 = 0;
  const misses: EvalResult['misses'] = [];
  for (const q of set.questions) {
    const got = confidentMatches(matcher, set.locale, q.text);
    if (got[0] && q.expect.includes(got[0])) top1++;
    if (got.slice(0, 3).some((g) => q.expect.includes(g))) top3++;
    else misses.push({ text: q.text, expect: q.expect, got });
  }
  const crisisHits = set.crisis.filter((t) => crisis.detect(t) !== null).length;
  const calm = [...set.not_crisis, ...set.questions.map((q) => q.text)];
  const falseAlarms = calm.filter((t) => crisis.detect(t) !== null).length;
  const abstained = set.out_of_scope.filter((t) => confidentMatches(matcher, set.locale, t).length === 0).length;
  return {
    locale: set.locale,
    questions: set.questions.length,
    top1: top1 / set.questions.length,
    top3: top3 / set.questions.length,
    crisisRecall: crisisHits / Math.max(1, set.crisis.length),
    crisisTotal: set.crisis.length,
    falseAlarms,
    falseAlarmBase: calm.length,
    abstention: abstained / Math.max(1, set.out_of_scope.length),
    outOfScope: set.out_of_scope.length,
    misses,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

export function formatTable(results: EvalResult[]): string {
  const lines = ['| locale | questions | top-1 | top-3 | crisis recall | false alarms | abstention (out of scope) |', '|---|---|---|---|---|---|---|'];
  for (const r of results) {
    lines.push(
      `| ${r.locale} | ${r.questions} | ${pct(r.top1)} | ${pct(r.top3)} | ${pct(r.crisisRecall)} (${r.crisisTotal}) | ${r.falseAlarms} of ${r.falseAlarmBase} | ${pct(r.abstention)} (${r.outOfScope}) |`,
    );
  }
  return lines.join('\n');
}
