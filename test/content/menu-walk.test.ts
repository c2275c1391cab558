/**
 * Walks the whole menu tree in all nine locales through the terminal chat's JSON Lines interface:
 * every category and every catalogue topic is reachable, every screen has text in the user's language and a way back,
 * and no raw i18n key or placeholder leaks to users.
 */

import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runJsonlChat } from '../../src/channels/cli/chat.ts';
import { loadConfig } from '../../src/config.ts';
import { wire } from '../../src/main.ts';
import { createUserKeys } from '../../src/privacy/user-key.ts';
import { ROOT } from '../helpers/engine.ts';

const CATALOGUE = [
  'huisarts',
  'huisarts-register',
  'huisarts-appointment',
  'huisartsenpost',
  'emergency',
  'interpreter',
  'pharmacy',
  'hospital-referral',
  'health-insurance',
  'eigen-risico',
  'dentist',
  'midwife-pregnancy',
  'child-health',
  'ggd',
  'wijkteam',
  'stress',
  'stress-self-help',
  'sleep',
  'when-to-get-help',
  'poh-ggz',
  'trauma',
  'crisis-suicide',
  'domestic-violence',
  'family-parenting',
  'money-worries',
  'inburgering-health',
  'medical-exemption',
  'sleutelpersoon',
  'social-map',
  'healthy-living',
  'privacy',
  'self-check',
];

interface Line {
  reply_to: number;
  text: string;
  choices: { id: string; label: string }[];
  dir: string;
  lang: string;
}

async function session(wired: Awaited<ReturnType<typeof wire>>, inputs: object[]): Promise<Line[]> {
  const input = new PassThrough();
  const output = new PassThrough();
  const lines: string[] = [];
  output.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  const run = runJsonlChat({ engine: wired.engine, userKey: createUserKeys('walk'), input, output });
  input.end(inputs.map((i) => JSON.stringify(i)).join('\n'));
  await run;
  return lines.map((l) => JSON.parse(l) as Line);
}

describe('menu tree walk through the terminal chat', async () => {
  const wired = await wire(
    loadConfig({
      CONTENT_DIR: join(ROOT, 'content'),
      LOCALES_DIR: join(ROOT, 'locales'),
      LOG_LEVEL: 'silent',
      FLOOD_MAX_PER_MINUTE: '100000',
    }) /* the walk is faster than any person */,
    { memory: true },
  );
  const snap = wired.content.current();

  it('ships every catalogue id in every locale', () => {
    for (const id of CATALOGUE) {
      const t = snap.topics.get(id);
      expect(t, id).toBeDefined();
      expect(Object.keys(t?.texts ?? {}).sort(), id).toEqual(['ar', 'en', 'fa', 'nl', 'prs', 'so', 'ti', 'tr', 'uk']);
    }
    const inMenu = new Set(snap.categories.flatMap((c) => c.topics));
    expect(CATALOGUE.filter((id) => !inMenu.has(id))).toEqual([]);
  });

  for (const loc of ['nl', 'en', 'ar', 'ti', 'fa', 'prs', 'so', 'tr', 'uk']) {
    it(`reaches every topic in ${loc} with no dead end or missing text`, async () => {
      const dir = snap.locales.find((l) => l.code === loc)?.dir;
      const first = await session(wired, [{ user: loc, choice: `lang:${loc}` }]);
      const menu = first.at(-1);
      const catIds = menu?.choices.map((c) => c.id).filter((id) => id.startsWith('cat:')) ?? [];
      expect(catIds).toHaveLength(snap.categories.length);
      const reached = new Set<string>();
      for (const cat of catIds) {
        // One simulated user per category keeps each below the per-user flood limit (30 messages a minute).
        const user = `${loc}-${cat}`;
        const catOut = await session(wired, [
          { user, choice: `lang:${loc}` },
          { user, choice: cat },
        ]);
        const list = catOut.at(-1);
        expect(
          list?.choices.some((c) => c.id === 'nav:menu'),
          `${loc} ${cat} has a way back`,
        ).toBe(true);
        for (const topicChoice of list?.choices.filter((c) => c.id.startsWith('topic:')) ?? []) {
          const out = await session(wired, [
            { user: loc, choice: topicChoice.id },
            { user: loc, choice: 'nav:back' },
          ]);
          const page = out.filter((l) => l.reply_to === 0);
          const body = page[0];
          const id = topicChoice.id.slice('topic:'.length).split('~')[0] ?? '';
          reached.add(id);
          expect(body?.lang, `${loc}/${id} in its own language`).toBe(loc);
          expect(body?.dir).toBe(dir);
          expect(body?.text.length ?? 0, `${loc}/${id} has text`).toBeGreaterThan(100);
          const next = page.at(-1);
          expect(next?.choices.map((c) => c.id)).toEqual(expect.arrayContaining(['nav:back', 'nav:menu', 'nav:person']));
          for (const l of out) {
            expect(l.text, `${loc}/${id}: no raw i18n key`).not.toMatch(/^[a-z_]+\.[a-z_.]+$/);
            expect(l.text, `${loc}/${id}: no unfilled placeholder`).not.toMatch(/\{\{\s*\w+\s*\}\}/);
            for (const c of l.choices) expect(c.label.trim().length, `${loc}/${id}: label`).toBeGreaterThan(0);
          }
          // Back returns to the list of the category the topic belongs to, even though this user last saw another one.
          const backTo = out.filter((l) => l.reply_to === 1).at(-1);
          expect(
            backTo?.choices.map((c) => c.id),
            `${loc}/${id}: back returns to its category`,
          ).toEqual(list?.choices.map((c) => c.id));
        }
      }
      expect([...reached].sort()).toEqual([...CATALOGUE].sort());
    });
  }
});
