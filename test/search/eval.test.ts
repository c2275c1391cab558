/**
 * Floors on the public evaluation set (test/fixtures/eval). They guard against regressions at today's measured
 * level (README table); the targets are higher where noted there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCrisisDetector } from '../../src/search/crisis.ts';
import { type EvalSet, evaluate } from '../../src/search/evaluate.ts';
import { createMatcher } from '../../src/search/matcher.ts';
import { loadSnapshot, ROOT } from '../helpers/engine.ts';

const snap = loadSnapshot(join(ROOT, 'content'));
const matcher = createMatcher(snap);
const crisis = createCrisisDetector(snap.crisis);
const dir = join(ROOT, 'test', 'fixtures', 'eval');
const sets = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as EvalSet);

describe('evaluation floors per locale', () => {
  it('covers all nine locales with at least 25 questions each', () => {
    expect(sets.map((s) => s.locale).sort()).toEqual(['ar', 'en', 'fa', 'nl', 'prs', 'so', 'ti', 'tr', 'uk']);
    for (const s of sets) expect(s.questions.length).toBeGreaterThanOrEqual(25);
  });
  for (const s of sets) {
    it(`${s.locale}: top-3 ≥ 90%, crisis recall ≥ 80%, no false alarms, abstention ≥ 80%`, () => {
      const r = evaluate(s, matcher, crisis);
      expect(r.top3).toBeGreaterThanOrEqual(0.9);
      expect(r.crisisRecall).toBeGreaterThanOrEqual(0.8);
      expect(r.falseAlarms).toBe(0);
      expect(r.abstention).toBeGreaterThanOrEqual(0.8);
    });
  }
});
