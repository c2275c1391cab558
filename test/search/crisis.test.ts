import { describe, expect, it } from 'vitest';
import type { CrisisList } from '../../src/core/content-types.ts';
import { compilePhrase, createCrisisDetector, phraseMatches } from '../../src/search/crisis.ts';
import { tokens } from '../../src/search/normalize.ts';

const list = (locale: string, signals: Partial<CrisisList['signals']>): CrisisList => ({
  locale,
  signals: { danger: [], suicide: [], self_harm: [], violence: [], ...signals },
  examples: { crisis: [], notCrisis: [] },
});

describe('crisis phrase matching', () => {
  const m = (phrase: string, text: string) => phraseMatches(compilePhrase(phrase), tokens(text));
  it('matches adjacent words in order', () => {
    expect(m('ik wil dood', 'Ik wil dood.')).toBe(true);
    expect(m('ik wil dood', 'dood wil ik')).toBe(false);
    expect(m('ik wil dood', 'ik wil niet dood')).toBe(false);
  });
  it('"*" allows up to three words in between', () => {
    expect(m('niet meer * leven', 'ik wil niet meer leven')).toBe(true);
    expect(m('wil * leven', 'ik wil echt niet meer leven')).toBe(true);
    expect(m('wil * leven', 'ik wil echt heel erg niet meer leven')).toBe(false);
  });
  it('"~" matches words that start with the stem', () => {
    expect(m('zelfmoord~', 'zelfmoordgedachten')).toBe(true);
    expect(m('zelfmoord', 'zelfmoordgedachten')).toBe(false);
  });
  it('normalises phrase and message alike (harakat, letter variants)', () => {
    expect(m('اريد ان اموت', 'أُرِيدُ أَنْ أَمُوتَ')).toBe(true);
    expect(m('خودکشی', 'خودكشي')).toBe(true);
  });
  it('checks all locales together and reports the most urgent signal first', () => {
    const d = createCrisisDetector([list('nl', { suicide: ['ik wil dood'] }), list('en', { danger: ['kill me'] })]);
    expect(d.detect('ik wil dood')).toMatchObject({ signal: 'suicide', locale: 'nl' });
    expect(d.detect('he will kill me, ik wil dood')).toMatchObject({ signal: 'danger', locale: 'en' });
    expect(d.detect('mijn kies doet pijn')).toBeNull();
    expect(d.detect('')).toBeNull();
  });
});
