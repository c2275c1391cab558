/** The Protect self-check: yes/no/stop at every question, routing at every threshold, answers only in the session. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/loader.ts';
import { formatError } from '../../src/content/yaml-source.ts';
import { readSelfCheck, SELF_CHECK_TTL_MS } from '../../src/questionnaire/flow.ts';
import { CONTENT, type FlowEngine, flowEngine, ids, leakedKeys, texts } from '../nearby/harness.ts';

const QUESTIONS = ['sleep', 'nightmares', 'headache', 'pain', 'anger', 'memories', 'fear', 'forgetting', 'interest', 'concentration'];

/** Answers the ten questions: the first `yes` with yes, the rest with no. Returns the last reply. */
async function answer(t: FlowEngine, yes: number) {
  let out = await t.choose('qn:start:protect');
  for (let i = 0; i < 10; i++) out = await t.choose(`qn:a:${i}:${i < yes ? 'yes' : 'no'}`);
  return out;
}

describe('self-check: start and framing', () => {
  it('the self-check topic page offers "Start the questions"', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    const page = await t.choose(`topic:self-check~${t.marker}`);
    expect(page.flatMap((m) => (m.kind === 'choices' ? m.choices : [])).find((c) => c.id === 'qn:start:protect')?.label).toBe('Start the questions');
  });

  it('frames the questions as common reactions, not a diagnosis, then asks question 1 with Yes / No / Stop', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    const out = await t.choose('qn:start:protect');
    expect(texts(out)).toContain('These are common reactions to what you have been through.');
    expect(texts(out)).toContain('not a diagnosis');
    const q = out.at(-1);
    expect(q?.kind === 'choices' && q.style).toBe('buttons');
    expect(q?.kind === 'choices' && q.text).toContain('Question 1 of 10');
    expect(q?.kind === 'choices' && q.text).toContain('Do you often find it hard to fall asleep?');
    expect(ids(out)).toEqual(['qn:a:0:yes', 'qn:a:0:no', 'qn:stop']);
  });
});

describe('self-check: routing on the number of "yes" answers', () => {
  for (let yes = 0; yes <= 10; yes++) {
    it(`${yes} × yes`, async () => {
      const t = await flowEngine();
      await t.choose('lang:en');
      const out = await answer(t, yes);
      expect(texts(out)).toContain(`You answered “yes” ${yes} times out of 10.`);
      const choices = ids(out);
      const m = t.marker;
      if (yes <= 3) {
        expect(texts(out)).toContain('You have few of these signals.');
        expect(choices.slice(0, 2)).toEqual([`topic:stress-self-help~${m}`, `topic:sleep~${m}`]);
      } else if (yes <= 7) {
        expect(texts(out)).toContain('You have some of these signals.');
        expect(choices.slice(0, 2)).toEqual([`topic:when-to-get-help~${m}`, `topic:poh-ggz~${m}`]);
      } else {
        expect(texts(out)).toContain('You have many of these signals.');
        expect(texts(out)).toContain('113');
        expect(choices[0]).toBe('nav:person');
      }
      expect(choices).toContain('qn:again:protect');
      const s = await t.session();
      expect(s.flow.questionnaire).toBeUndefined();
      expect(readSelfCheck(s, t.clock.t)).toEqual({
        questionnaire: 'protect',
        yes,
        answers: Object.fromEntries(QUESTIONS.map((q, i) => [q, i < yes])),
      });
    });
  }
});

describe('self-check: stopping, leaving and typing', () => {
  it('Stop works at every question and deletes the answers', async () => {
    for (let at = 0; at < 10; at++) {
      const t = await flowEngine();
      await t.choose('lang:en');
      await t.choose('qn:start:protect');
      for (let i = 0; i < at; i++) await t.choose(`qn:a:${i}:yes`);
      const out = await t.choose('qn:stop');
      expect(texts(out)).toContain('OK, we stopped. I have deleted your answers.');
      const s = await t.session();
      expect(s.flow.questionnaire).toBeUndefined();
      expect(s.flow.selfCheck).toBeUndefined();
    }
  });

  it('typed yes/no/stop words and digits answer too, in the user language', async () => {
    const t = await flowEngine();
    await t.choose('lang:nl');
    await t.choose('qn:start:protect');
    expect(texts(await t.text('ja'))).toContain('Vraag 2 van 10');
    expect(texts(await t.text('nee'))).toContain('Vraag 3 van 10');
    expect(texts(await t.text('1'))).toContain('Vraag 4 van 10');
    expect(texts(await t.text('stop'))).toContain('Ik heb je antwoorden gewist');
    expect((await t.session()).flow.questionnaire).toBeUndefined();
  });

  it('leaving for another menu drops the partial answers; a typed question leaves the questions', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.choose('qn:start:protect');
    await t.choose('qn:a:0:yes');
    await t.choose('nav:menu');
    expect((await t.session()).flow.questionnaire).toBeUndefined();
    expect((await t.choose('qn:a:1:yes')).some((m) => m.kind === 'choices' && m.text.includes('Question'))).toBe(false);
    await t.choose('qn:start:protect');
    await t.choose('qn:a:0:yes');
    const out = await t.text('how do I find a huisarts');
    expect(texts(out)).not.toContain('Question 2 of 10');
    expect((await t.session()).flow.questionnaire).toBeUndefined();
  });

  it('a tap on an older question asks the current question again instead of shifting answers', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.choose('qn:start:protect');
    await t.choose('qn:a:0:yes');
    const again = await t.choose('qn:a:0:no');
    expect(texts(again)).toContain('Question 2 of 10');
    expect((await t.session()).flow.questionnaire).toMatchObject({ answers: { sleep: true } });
  });

  it('a crisis message during the questions gets the crisis card first', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.choose('qn:start:protect');
    const out = await t.text('I want to kill myself');
    expect(texts(out)).toContain('113');
    expect(ids(out)).toContain('nav:person-urgent');
  });
});

describe('self-check: privacy', () => {
  it('answers never reach the transcript or the logs, and the result expires after an hour', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await answer(t, 9);
    const transcript = JSON.stringify(await t.store.listTranscript('u1'));
    expect(transcript).not.toMatch(/sleep|nightmares|protect|"yes"/);
    expect(JSON.stringify(t.logger.lines)).not.toMatch(/nightmares|protect/);
    expect((await t.store.counters('questionnaire', 0)).map((c) => c.key)).toEqual(['protect|completed|en']);
    t.clock.t += SELF_CHECK_TTL_MS + 1;
    expect(readSelfCheck(await t.session(), t.clock.t)).toBeNull();
    await t.choose('nav:menu');
    expect((await t.session()).flow.selfCheck).toBeUndefined();
  });

  it('the result is not sent to the handover unless the handover asks for consent: the default request has none', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    const out = await answer(t, 9);
    expect(ids(out)[0]).toBe('nav:person');
    await t.choose('nav:person');
    expect(t.requests).toHaveLength(1);
    expect(t.requests[0]?.selfCheck ?? null).toBeNull();
  });

  it('a changed questionnaire restarts instead of mixing old and new answers', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.choose('qn:start:protect');
    await t.choose('qn:a:0:yes');
    const s = await t.session();
    (s.flow.questionnaire as { hash: string }).hash = 'old';
    const row = await t.store.getSession('u1');
    if (row) await t.store.saveSession({ ...row, data: JSON.stringify(s) });
    const out = await t.choose('qn:a:1:yes');
    expect(texts(out)).toContain('These questions have just been changed.');
    expect(texts(out)).toContain('Question 1 of 10');
  });
});

describe('self-check: content validation', () => {
  const dirs: string[] = [];
  const copy = (edit: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'wegwijs-qn-'));
    dirs.push(dir);
    cpSync(CONTENT, dir, { recursive: true });
    edit(dir);
    const r = loadContent(dir);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    return r.errors.map(formatError);
  };

  it('ranges with a gap or an overlap, unknown topics and missing texts are file:line:col errors', () => {
    const errors = copy((dir) => {
      const meta = join(dir, 'questionnaires', 'protect', 'questionnaire.yaml');
      writeFileSync(
        meta,
        `id: protect
topic: self-check
questions: [sleep, nightmares, headache]
results:
  - { id: few, min: 0, max: 1, topics: [no-such-topic] }
  - { id: some, min: 1, max: 1 }
  - { id: many, min: 3, max: 4 }
sources:
  - { publisher: Pharos, title: Protect, url: "https://www.pharos.nl" }
`,
      );
    });
    const has = (text: string) =>
      expect(
        errors.some((e) => e.includes('questionnaire.yaml:') && e.includes(text)),
        `${text}\n${errors.join('\n')}`,
      ).toBe(true);
    has('topic "no-such-topic" does not exist');
    has('1 "yes" answer(s) fall in more than one result range');
    has('no result for 2 "yes" answer(s)');
    has('max 4 is above the number of questions (3)');
    expect(errors.some((e) => e.includes('nl.yaml:') && e.includes('unknown question "pain"'))).toBe(true);
  });

  it('the shipped questionnaire has all nine languages, marked draft, citing Pharos and the Protect project', () => {
    const q = loadContent(CONTENT).snapshot?.questionnaires?.get('protect');
    expect(Object.keys(q?.texts ?? {}).sort()).toEqual(['ar', 'en', 'fa', 'nl', 'prs', 'so', 'ti', 'tr', 'uk']);
    expect(Object.values(q?.texts ?? {}).every((t) => t.review.status === 'draft' && Object.keys(t.questions).length === 10)).toBe(true);
    expect(q?.sources.map((s) => s.publisher).join(' ')).toMatch(/Pharos.*Protect/);
    expect(q?.texts.nl?.questions.sleep).toBe('Val je vaak moeilijk in slaap?');
  });
});

describe('self-check in every language', () => {
  it('no untranslated keys, and right-to-left where the language is', async () => {
    for (const locale of ['nl', 'en', 'ar', 'ti', 'fa', 'prs', 'so', 'tr', 'uk']) {
      const t = await flowEngine();
      await t.choose(`lang:${locale}`);
      const start = await t.choose('qn:start:protect');
      const end = await answer(t, 8);
      for (const out of [start, end]) {
        expect(leakedKeys(out)).toEqual([]);
        expect(out.every((m) => m.lang === locale && m.dir === (['ar', 'fa', 'prs'].includes(locale) ? 'rtl' : 'ltr'))).toBe(true);
      }
      expect(texts(end)).toContain('0800-0113');
    }
  });
});
