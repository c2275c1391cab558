/** Matcher decisions: answer, choices, and abstention helped by the off-topic lists (`content/off-topic/`). */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/loader.ts';
import type { ContentSnapshot } from '../../src/core/content-types.ts';
import { createMatcher, OFF_TOPIC } from '../../src/search/matcher.ts';

const MINI = join(import.meta.dirname, '..', 'fixtures', 'content-mini');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function miniWith(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'wegwijs-offtopic-'));
  dirs.push(dir);
  cpSync(MINI, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return loadContent(dir);
}

function snapshotOf(r: ReturnType<typeof loadContent>): ContentSnapshot {
  if (!r.snapshot) throw new Error(r.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n'));
  return r.snapshot;
}

describe('off-topic lists as negative examples', () => {
  const OFF_EN = 'questions:\n  - how do i find a job\n  - where can i buy a cheap bike\n  - what time does the train leave\n';

  it('abstain on a question that shares a word with a topic but resembles the everyday list more', () => {
    const without = createMatcher(snapshotOf(loadContent(MINI)), { fallbackLocales: [] });
    // "where", "can", "work" overlap the GP topic ("how does the gp work").
    const q = 'where can i work';
    expect(without.match('en', q).outcome).not.toBe('none');
    const r = miniWith({
      'off-topic/en.yaml': OFF_EN.replace('how do i find a job', 'where can i find work'),
      'off-topic/nl.yaml': 'questions:\n  - werk zoeken\n',
    });
    const withList = createMatcher(snapshotOf(r), { fallbackLocales: [] });
    expect(withList.match('en', q)).toEqual({ outcome: 'none', candidates: [] });
    // The negative document is never offered to a user.
    expect(withList.match('en', 'how does the gp work').candidates.map((c) => c.topicId)).not.toContain(OFF_TOPIC);
  });

  it('keeps answering health questions that contain everyday words', () => {
    const r = miniWith({ 'off-topic/en.yaml': OFF_EN, 'off-topic/nl.yaml': 'questions:\n  - werk zoeken\n' });
    const m = createMatcher(snapshotOf(r), { fallbackLocales: [] });
    expect(m.match('en', 'where do i go when i am sick').candidates[0]?.topicId).toBe('huisarts');
    expect(m.match('en', 'when do i call 112').candidates[0]?.topicId).toBe('emergency');
  });

  it('validates the lists: a locale without one is a warning, a malformed one an error with its position', () => {
    const partial = miniWith({ 'off-topic/en.yaml': OFF_EN });
    expect(partial.errors).toEqual([]);
    expect(partial.warnings.map((w) => w.message)).toContain('no off-topic list for locale "ar"');
    const bad = miniWith({ 'off-topic/en.yaml': 'question:\n  - typo in the key\n' });
    expect(bad.snapshot).toBeNull();
    expect(bad.errors.map((e) => `${e.file.split('/').slice(-2).join('/')}:${e.line}: ${e.message}`)).toContain('off-topic/en.yaml:1: unknown key "question"');
  });
});

describe('the shipped catalogue with its off-topic lists', () => {
  const snap = snapshotOf(loadContent(join(import.meta.dirname, '..', '..', 'content')));
  const m = createMatcher(snap);

  it('has an off-topic list for the source locale and English', () => {
    expect(snap.offTopic?.nl?.length).toBeGreaterThan(20);
    expect(snap.offTopic?.en?.length).toBeGreaterThan(20);
  });

  it('abstains on everyday questions phrased differently from the lists, which without them offer a topic', () => {
    // Without content/off-topic these offer stress-self-help, money-worries and health-insurance as choices.
    for (const q of ['where can i work', 'can i get a discount on the train', 'where do i buy a sim card']) {
      expect(m.match('en', q).outcome, q).toBe('none');
    }
  });

  it('still answers when a health word carries the question', () => {
    expect(m.match('en', 'how much does the huisarts cost').candidates.map((c) => c.topicId)).toContain('huisarts');
    expect(m.match('nl', 'ik zoek een tandarts').candidates[0]?.topicId).toBe('dentist');
  });
});
