/** Social map content: every mistake an editor can make becomes a file:line:col error; the real data validates. */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/loader.ts';
import { formatError } from '../../src/content/yaml-source.ts';
import { createPlaceMatcher, mergePlaces, slugify } from '../../src/nearby/places.ts';
import { MINI } from '../helpers/engine.ts';
import { CONTENT } from './harness.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function withSocialMap(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wegwijs-sm-'));
  dirs.push(dir);
  cpSync(MINI, dir, { recursive: true });
  mkdirSync(join(dir, 'social-map'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'social-map', name), text);
  return dir;
}

const ENTRY = `  - id: praktijk
    name: Praktijk
    type: huisarts
    gemeente: Voorbeeldstad
    address: Verzonnenlaan 1, Voorbeeldstad
    coordinates: { lat: 52.15, lon: 5.8 }
    opening_hours: "Mo-Fr 08:00-17:00; PH off"
    cost: insured
    example: true
    description: { nl: Een praktijk., en: A practice., ar: عيادة. }
`;

describe('social map validation', () => {
  it('the shipped social map validates, with national lines and a fictional demo municipality', () => {
    const r = loadContent(CONTENT);
    expect(r.errors.map(formatError)).toEqual([]);
    const entries = r.snapshot?.socialMap?.entries ?? [];
    const national = entries.filter((e) => e.national).map((e) => [e.name, e.phone, e.website]);
    expect(national).toEqual([
      ['112 Alarmnummer', '112', null],
      ['113 Zelfmoordpreventie', '0800-0113', 'https://www.113.nl'],
      ['Veilig Thuis', '0800-2000', 'https://www.veiligthuis.nl'],
    ]);
    const local = entries.filter((e) => !e.national);
    expect(local.length).toBeGreaterThanOrEqual(10);
    expect(local.every((e) => e.example && e.gemeente === 'voorbeeldstad' && e.phone === null && e.website === null && e.coordinates)).toBe(true);
    // Every entry has a description in all nine languages.
    expect(entries.every((e) => Object.keys(e.description).length === 9)).toBe(true);
  });

  it('a valid file loads', () => {
    const r = loadContent(withSocialMap({ 'test.yaml': `entries:\n${ENTRY}` }));
    expect(r.errors).toEqual([]);
    expect(r.snapshot?.socialMap?.entries[0]).toMatchObject({
      id: 'praktijk',
      gemeente: 'voorbeeldstad',
      gemeenteName: 'Voorbeeldstad',
      translationsReviewed: false,
    });
  });

  it('reports each mistake at its place', () => {
    const bad = `entries:
${ENTRY}  - id: nep-nummer
    name: Nep
    type: tandarts
    gemeente: Voorbeeldstad
    address: Fictieplein 1, Voorbeeldstad
    coordinates: { lat: 40.1, lon: 5.8 }
    phone: "020 555 0101"
    opening_hours: "Mo-Fr 08:00-17:00; PH +1 day off"
    cost: cheap
    example: true
    description: { en: No Dutch., xx: Unknown. }
  - id: praktijk
    name: Dubbel
    type: huisarts
    national: true
    address: Ergens 1
    opening_hours: "Mo-Fr 25:00-26:00"
    cost: free
    description: { nl: Dubbel. }
`;
    const r = loadContent(withSocialMap({ 'bad.yaml': bad }));
    const errors = r.errors.map(formatError);
    const at = (line: number, text: string) =>
      expect(
        errors.some((e) => e.includes(`bad.yaml:${line}:`) && e.includes(text)),
        `${line}: ${text}\n${errors.join('\n')}`,
      ).toBe(true);
    at(14, 'type');
    at(17, 'latitude outside the Netherlands');
    at(20, 'cost');
    // Schema errors stop the file; fix them and the rules that need a parsed file report next.
    const fixed = bad.replace('type: tandarts', 'type: huisarts').replace('lat: 40.1', 'lat: 52.1').replace('cost: cheap', 'cost: free');
    const r2 = loadContent(withSocialMap({ 'bad.yaml': fixed }));
    const errors2 = r2.errors.map(formatError);
    const at2 = (line: number, text: string) =>
      expect(
        errors2.some((e) => e.includes(`bad.yaml:${line}:`) && e.includes(text)),
        `${line}: ${text}\n${errors2.join('\n')}`,
      ).toBe(true);
    at2(18, 'example entries must not have a phone number');
    at2(19, 'PH');
    at2(22, 'missing description in the source locale "nl"');
    at2(22, 'unknown locale "xx"');
    at2(23, 'duplicate social map id "praktijk"');
    at2(27, 'a national service has no address');
    at2(23, 'a national service needs its real public phone number');
    at2(28, 'opening_hours');
    expect(r2.snapshot).toBeNull();
  });

  it('resolves municipality names through the national list (aliases included) and warns about unknown ones', () => {
    const real = (id: string, gemeente: string) =>
      ENTRY.replace('id: praktijk', `id: ${id}`).replace('gemeente: Voorbeeldstad', `gemeente: ${gemeente}`).replace('example: true', 'example: false');
    const r = loadContent(withSocialMap({ 'a.yaml': `entries:\n${real('a', 'Den Haag')}${real('b', 'Utrect')}` }));
    expect(r.errors).toEqual([]);
    const [a, b] = r.snapshot?.socialMap?.entries ?? [];
    expect([a?.gemeente, a?.gemeenteName]).toEqual(['s-gravenhage', "'s-Gravenhage"]);
    expect(b?.gemeente).toBe('utrect');
    expect(r.warnings.map(formatError).join('\n')).toMatch(/a\.yaml:\d+:\d+: "Utrect" is not in the list of Dutch municipalities/);
  });

  it('warns (but loads) when a translation is missing or the holiday list lacks the current year', () => {
    const r = loadContent(withSocialMap({ 'a.yaml': `entries:\n${ENTRY.replace(', en: A practice., ar: عيادة.', '')}` }));
    expect(r.errors).toEqual([]);
    const warnings = r.warnings.map(formatError).join('\n');
    expect(warnings).toContain('description missing in en, ar');
    expect(warnings).toContain('PH is used but social-map/holidays.yaml has no dates for');
  });
});

describe('municipality matching', () => {
  const places = [
    { slug: 'voorbeeldstad', name: 'Voorbeeldstad' },
    { slug: 's-hertogenbosch', name: "'s-Hertogenbosch" },
    { slug: 'sudwest-fryslan', name: 'Súdwest-Fryslân' },
    { slug: 'utrecht', name: 'Utrecht' },
    { slug: 'utrechtse-heuvelrug', name: 'Utrechtse Heuvelrug' },
  ];
  const m = createPlaceMatcher(places);

  it('slugs drop accents and punctuation', () => {
    expect(slugify("'s-Hertogenbosch")).toBe('s-hertogenbosch');
    expect(slugify('Súdwest-Fryslân')).toBe('sudwest-fryslan');
    expect(slugify('  Voorbeeld  Stad ')).toBe('voorbeeld-stad');
  });

  it('matches exact names, filler words, small typos and a name inside a short sentence', () => {
    expect(m.match('Voorbeeldstad').exact?.slug).toBe('voorbeeldstad');
    expect(m.match('gemeente voorbeeldstad').exact?.slug).toBe('voorbeeldstad');
    expect(m.match('voorbeeldstat').exact?.slug).toBe('voorbeeldstad');
    expect(m.match('ik woon in Voorbeeldstad').exact?.slug).toBe('voorbeeldstad');
    expect(m.match('sudwest fryslan').exact?.slug).toBe('sudwest-fryslan');
    expect(m.match("'s-Hertogenbosch").exact?.slug).toBe('s-hertogenbosch');
  });

  it('offers candidates when unsure and nothing for nonsense', () => {
    const r = m.match('utrecht heuvel');
    expect(r.exact?.slug ?? r.candidates[0]?.slug).toBe('utrechtse-heuvelrug');
    expect(m.match('qqqqzzzz').candidates).toEqual([]);
    expect(m.match('???').exact).toBeNull();
  });

  it('merges place lists without duplicates, the first name winning', () => {
    expect(
      mergePlaces(
        [{ slug: 'utrecht', name: 'Utrecht' }],
        [
          { slug: 'utrecht', name: 'UTRECHT' },
          { slug: 'zwolle', name: 'Zwolle' },
        ],
      ),
    ).toEqual([
      { slug: 'utrecht', name: 'Utrecht' },
      { slug: 'zwolle', name: 'Zwolle' },
    ]);
  });
});
