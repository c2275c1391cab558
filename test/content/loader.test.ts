import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/loader.ts';
import { buildReport } from '../../src/content/report.ts';
import { stampAll } from '../../src/content/stamp.ts';
import { formatError } from '../../src/content/yaml-source.ts';
import { MINI } from '../helpers/engine.ts';

let dir = '';
function copy(): string {
  dir = mkdtempSync(join(tmpdir(), 'wegwijs-content-'));
  cpSync(MINI, dir, { recursive: true });
  return dir;
}
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const rel = (...p: string[]) => relative(process.cwd(), join(dir, ...p));
const errorsOf = () => loadContent(dir).errors.map(formatError);

describe('content validation errors point at file:line:col', () => {
  it('the shipped mini fixture is valid', () => {
    copy();
    expect(errorsOf()).toEqual([]);
  });

  it('a YAML syntax error', () => {
    copy();
    writeFileSync(join(dir, 'topics/huisarts/nl.yaml'), 'title: De huisarts\nsummary: Je eerste: stop\nbody: x\n');
    expect(errorsOf()).toEqual([`${rel('topics/huisarts/nl.yaml')}:2:10: YAML syntax: Nested mappings are not allowed in compact mappings`]);
  });

  it('an unknown key', () => {
    copy();
    writeFileSync(
      join(dir, 'topics/huisarts/en.yaml'),
      'title: The GP\nsummary: First stop\nbody: Text.\nquestions: [gp]\n  \ntitel: typo\nreview:\n  status: draft\n',
    );
    expect(errorsOf()).toEqual([`${rel('topics/huisarts/en.yaml')}:6:1: unknown key "titel"`]);
  });

  it('a missing locale', () => {
    copy();
    unlinkSync(join(dir, 'topics/emergency/ar.yaml'));
    expect(errorsOf()).toEqual([`${rel('topics/emergency/topic.yaml')}:1:5: missing locale "ar" (ar.yaml)`]);
  });

  it('a dangling related id', () => {
    copy();
    writeFileSync(
      join(dir, 'topics/huisarts/topic.yaml'),
      'id: huisarts\ncategory: care\nrelated: [emergency, tandarts]\nsources:\n  - publisher: Thuisarts.nl\n    title: Thuisarts\n    url: https://www.thuisarts.nl\n',
    );
    expect(errorsOf()).toEqual([`${rel('topics/huisarts/topic.yaml')}:3:22: related topic "tandarts" does not exist`]);
  });

  it('an over-long button title (WhatsApp reply buttons hold 20 characters)', () => {
    copy();
    writeFileSync(
      join(dir, 'topics/emergency/nl.yaml'),
      'title: Spoed en 112\nsummary: Levensgevaar? Bel 112\nbody: Bel 112.\nquestions: [wanneer 112]\naction_labels:\n  call-112: Bel meteen het alarmnummer 112\nreview:\n  status: draft\n',
    );
    expect(errorsOf()).toEqual([`${rel('topics/emergency/nl.yaml')}:6:13: action_labels.call-112: longer than 20 characters`]);
  });

  it('a too long list title, an invalid date and an empty body', () => {
    copy();
    writeFileSync(
      join(dir, 'topics/huisarts/nl.yaml'),
      'title: Een veel te lange titel voor een lijst\nsummary: x\nbody: "  "\nquestions: [q]\nreview:\n  status: reviewed\n  reviewed_by: A\n  reviewed_at: 2026-02-30\n',
    );
    const errs = errorsOf();
    expect(errs).toContain(`${rel('topics/huisarts/nl.yaml')}:1:8: title: longer than 24 characters`);
    expect(errs).toContain(`${rel('topics/huisarts/nl.yaml')}:3:7: body: must not be empty`);
    expect(errs).toContain(`${rel('topics/huisarts/nl.yaml')}:8:16: review.reviewed_at: not a valid calendar date`);
  });

  it('a crisis example that the phrases do not catch', () => {
    copy();
    writeFileSync(
      join(dir, 'crisis/en.yaml'),
      'signals:\n  suicide: [i want to die]\nexamples:\n  crisis:\n    - I will end it all\n  not_crisis: [my tooth hurts]\n',
    );
    expect(errorsOf()).toEqual([`${rel('crisis/en.yaml')}:5:7: crisis example is not detected: "I will end it all"`]);
  });
});

describe('crisis lists', () => {
  it('warns about a phrase that normalisation makes the same as an earlier one, with its position', () => {
    copy();
    writeFileSync(
      join(dir, 'crisis/en.yaml'),
      'signals:\n  suicide: [i want to die, suicid~, kill myself]\n  self_harm: [cut myself]\n  danger: [going to kill me]\n  violence: [hits me, Kill  MYSELF]\nexamples:\n  crisis: [I want to die]\n  not_crisis: [my tooth hurts]\n',
    );
    const r = loadContent(dir);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map(formatError)).toEqual([`${rel('crisis/en.yaml')}:5:23: "Kill  MYSELF" is the same as "kill myself" after normalisation`]);
  });
});

describe('stale translations', () => {
  it('marks every translation stale when the Dutch source changes, until it is stamped', () => {
    copy();
    const first = loadContent(dir).snapshot;
    if (!first) throw new Error('invalid fixture');
    // Never stamped: the report does not claim the Dutch changed, it says the source version is unknown.
    const fresh = buildReport(first, Date.now()).locales.ar;
    expect([fresh?.stale, fresh?.unstamped]).toEqual([[], ['emergency', 'huisarts']]);
    expect(stampAll(dir, first)).toBe(4); // en and ar of both topics
    const stamped = loadContent(dir).snapshot;
    if (!stamped) throw new Error('invalid after stamp');
    expect(buildReport(stamped, Date.now()).locales.ar?.stale).toEqual([]);
    expect(buildReport(stamped, Date.now()).locales.ar?.unstamped).toEqual([]);
    writeFileSync(
      join(dir, 'topics/huisarts/nl.yaml'),
      'title: De huisarts\nsummary: Je eerste stop bij ziekte\nbody: Nieuwe tekst.\nquestions: [hoe werkt de huisarts]\nreview:\n  status: draft\n',
    );
    const changed = loadContent(dir).snapshot;
    if (!changed) throw new Error('invalid after change');
    const report = buildReport(changed, Date.now());
    expect(report.locales.en?.stale).toEqual(['huisarts']);
    expect(report.locales.ar?.stale).toEqual(['huisarts']);
    expect(report.locales.nl?.stale).toEqual([]);
  });
});
