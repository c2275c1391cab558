/** "Was this helpful? 👍 👎" after topics, anonymous counters, and the editors' usage report. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { buildExtraReport, formatExtra, isoWeek, scrubIdentifiers } from '../../src/cli/report-extra.ts';
import { openStore } from '../../src/storage/index.ts';
import { createMemoryStore } from '../helpers/memory-store.ts';
import { CONTENT, flowEngine, ids, texts } from '../nearby/harness.ts';

describe('feedback after a topic', () => {
  it('folds 👍/👎 rows into every topic menu, before the navigation rows, within 10 rows; the menu stays last', async () => {
    for (const locale of ['en', 'ar']) {
      const t = await flowEngine();
      await t.choose(`lang:${locale}`);
      for (const topic of t.snapshot.topics.keys()) {
        const out = await t.choose(`topic:${topic}~${t.marker}`);
        const menus = out.filter((m) => m.kind === 'choices');
        expect(menus.length, topic).toBe(1);
        const menu = out.at(-1);
        if (menu?.kind !== 'choices') throw new Error(`${topic}: no menu`);
        const rows = menu.choices.map((c) => c.id);
        expect(rows.length, topic).toBeLessThanOrEqual(10);
        const up = rows.indexOf(`fb-up:${topic}~${t.marker}`);
        expect(up, topic).toBeGreaterThanOrEqual(0);
        expect(rows[up + 1]).toBe(`fb-down:${topic}~${t.marker}`);
        expect(rows.slice(up + 2)).toEqual(['nav:back', 'nav:menu', 'nav:person', 'nav:language']);
        expect(menu.choices[up]).toMatchObject({ label: t.i18n.t(locale, 'feedback.up'), description: t.i18n.t(locale, 'feedback.ask') });
        // Flow buttons (listen, start the questions, help nearby) never give way; only related topics may.
        const flowRow = { huisarts: locale === 'ar' ? 'listen:' : null, 'self-check': 'qn:start:', 'social-map': 'nb:start' }[topic as 'huisarts'];
        if (flowRow)
          expect(
            rows.some((r) => r.startsWith(flowRow)),
            `${topic} keeps ${flowRow}`,
          ).toBe(true);
        expect((await t.session()).lastChoices).toEqual(rows);
      }
    }
  });

  it('a typed digit picks the row shown at that place, feedback rows included', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    const page = await t.choose(`topic:sleep~${t.marker}`);
    const menu = page.at(-1);
    const rows = menu?.kind === 'choices' ? menu.choices.map((c) => c.id) : [];
    const n = rows.indexOf(`fb-up:sleep~${t.marker}`) + 1;
    expect(texts(await t.text(String(n)))).toBe(t.i18n.t('en', 'feedback.thanks_up'));
    expect((await t.store.counters('feedback', 0)).map((c) => c.key)).toEqual([`sleep|en|${t.snapshot.version}|up`]);
  });

  it('counts 👍 and 👎 per topic, locale and content version, once per topic per session', async () => {
    const t = await flowEngine();
    await t.choose('lang:ar');
    await t.choose(`topic:huisarts~${t.marker}`);
    const up = await t.choose(`fb-up:huisarts~${t.marker}`);
    expect(texts(up)).toContain(t.i18n.t('ar', 'feedback.thanks_up'));
    expect(texts(await t.choose(`fb-down:huisarts~${t.marker}`))).toContain(t.i18n.t('ar', 'feedback.already'));
    await t.choose(`topic:sleep~${t.marker}`);
    const down = await t.choose(`fb-down:sleep~${t.marker}`);
    expect(ids(down)).toEqual(['nav:menu', 'nav:person']);
    const keys = (await t.store.counters('feedback', 0)).map((c) => `${c.key}=${c.count}`).sort();
    expect(keys).toEqual([`huisarts|ar|${t.snapshot.version}|up=1`, `sleep|ar|${t.snapshot.version}|down=1`]);
  });

  it('asks only once per topic per session', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.choose(`topic:huisarts~${t.marker}`);
    const again = await t.choose(`topic:huisarts~${t.marker}`);
    expect(ids(again).some((id) => id.startsWith('fb-'))).toBe(false);
  });

  it('a vote from an older content version is stale, not counted', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    const out = await t.choose('fb-up:huisarts~0ld0ld');
    expect(texts(out)).toContain(t.i18n.t('en', 'stale.menu_changed'));
    expect(await t.store.counters('feedback', 0)).toEqual([]);
  });

  it('works in all nine languages', async () => {
    for (const locale of ['nl', 'en', 'ar', 'ti', 'fa', 'prs', 'so', 'tr', 'uk']) {
      const t = await flowEngine();
      await t.choose(`lang:${locale}`);
      const out = await t.choose(`topic:sleep~${t.marker}`);
      const menu = out.at(-1);
      const up = menu?.kind === 'choices' ? menu.choices.find((c) => c.id.startsWith('fb-up:')) : undefined;
      expect(up).toMatchObject({ label: t.i18n.t(locale, 'feedback.up'), description: t.i18n.t(locale, 'feedback.ask') });
      expect(menu?.lang).toBe(locale);
      expect(texts(await t.choose(`fb-up:sleep~${t.marker}`))).toBe(t.i18n.t(locale, 'feedback.thanks_up'));
    }
  });
});

describe('usage report for editors', () => {
  const NOW = Date.UTC(2026, 10, 22, 12);
  const day = 86_400_000;

  it('aggregates helpfulness per topic and locale, unanswered per locale and crisis per week, without identifiers', async () => {
    const store = createMemoryStore();
    for (let i = 0; i < 4; i++) await store.incrementCounter('topic_view', 'huisarts|ar|2026.11.0', NOW - day);
    await store.incrementCounter('feedback', 'huisarts|ar|2026.11.0|up', NOW - day);
    await store.incrementCounter('feedback', 'huisarts|ar|2026.11.0|up', NOW - day);
    await store.incrementCounter('feedback', 'huisarts|ar|2026.10.0|down', NOW - 20 * day);
    await store.incrementCounter('feedback', 'sleep|nl|2026.11.0|down', NOW);
    await store.incrementCounter('feedback', 'sleep|nl|2026.11.0|up', NOW - 90 * day); // outside the window
    await store.recordUnmatched('nl', 'mijn nummer is 06-12345678, bel me', NOW);
    await store.recordUnmatched('nl', 'mijn nummer is 06 87654321, bel me', NOW);
    await store.recordUnmatched('ar', 'ahmed@example.org يسأل عن 1234 AB', NOW);
    await store.recordUnmatched('ar', 'وين الصيدلية', NOW - 100 * day);
    await store.incrementCounter('crisis', 'ar', Date.UTC(2026, 10, 16));
    await store.incrementCounter('crisis', 'ar', Date.UTC(2026, 10, 22));
    await store.incrementCounter('crisis', 'nl', Date.UTC(2026, 10, 23 - 7));
    const r = await buildExtraReport(store, { now: NOW, days: 30 });
    expect(r.helpfulness).toEqual([
      {
        topic: 'huisarts',
        locale: 'ar',
        views: 4,
        up: 2,
        down: 1,
        helpful: 0.67,
        versions: { '2026.11.0': { up: 2, down: 0 }, '2026.10.0': { up: 0, down: 1 } },
      },
      { topic: 'sleep', locale: 'nl', views: 0, up: 0, down: 1, helpful: 0, versions: { '2026.11.0': { up: 0, down: 1 } } },
    ]);
    expect(r.unanswered).toEqual([
      { locale: 'ar', text: '[e-mail] يسأل عن [postcode]', count: 1 },
      { locale: 'nl', text: 'mijn nummer is [number], bel me', count: 2 },
    ]);
    expect(r.crisisPerWeek).toEqual([
      { week: '2026-W47', locale: 'ar', count: 2 },
      { week: '2026-W47', locale: 'nl', count: 1 },
    ]);
    const text = formatExtra(r);
    expect(text).toContain('huisarts                   ar          4      2      1     67%');
    expect(text).not.toMatch(/06-1234|ahmed/);
  });

  it('scrubs identifiers but keeps ordinary sentences and weeks follow ISO 8601', () => {
    expect(scrubIdentifiers('bel +31 6 1234 5678 of kijk op https://x.nl/a')).toBe('bel [number] of kijk op [link]');
    expect(scrubIdentifiers('in 2026 en 2027 is het eigen risico hoger')).toBe('in 2026 en 2027 is het eigen risico hoger');
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2026-11-22')).toBe('2026-W47');
  });

  it('`content report --usage --json` reads the database and prints the sections', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wegwijs-report-'));
    try {
      const store = await openStore({ dataDir });
      await store.incrementCounter('feedback', `huisarts|nl|2026.11.0|up`, Date.now());
      await store.recordUnmatched('nl', 'waar is de tandarts 0612345678', Date.now());
      await store.incrementCounter('crisis', 'nl', Date.now());
      await store.close();
      const run = async (args: string[]) => {
        const stdout = new PassThrough();
        let out = '';
        stdout.on('data', (c) => (out += String(c)));
        const prev = process.env.DATA_DIR;
        process.env.DATA_DIR = dataDir;
        try {
          const code = await runCli(['content', 'report', CONTENT, ...args], { stdin: new PassThrough(), stdout, stderr: new PassThrough() });
          return { code, out };
        } finally {
          if (prev === undefined) delete process.env.DATA_DIR;
          else process.env.DATA_DIR = prev;
        }
      };
      const json = await run(['--usage', '--json', '--days', '7']);
      expect(json.code).toBe(0);
      const parsed = JSON.parse(json.out) as { days: number; helpfulness: unknown[]; unanswered: { text: string }[]; crisisPerWeek: unknown[]; topics: number };
      expect(parsed.days).toBe(7);
      expect(parsed.topics).toBeGreaterThan(20);
      expect(parsed.helpfulness).toEqual([expect.objectContaining({ topic: 'huisarts', locale: 'nl', up: 1 })]);
      expect(parsed.unanswered).toEqual([{ locale: 'nl', text: 'waar is de tandarts [number]', count: 1 }]);
      expect(parsed.crisisPerWeek).toHaveLength(1);
      const plain = await run([]);
      expect(plain.out).toContain('Helpfulness per topic and locale:');
      expect(plain.out).toContain('Crisis cards shown per week and locale:');
      expect((await run(['--no-usage'])).out).not.toContain('Helpfulness');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
