/**
 * Loads `content/social-map/`: every `*.yaml` file holds `entries:`, except `holidays.yaml`, the public holiday
 * list that `PH` in opening hours refers to. Problems become file:line:col errors like everywhere else.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { PublicHoliday, SocialMap, SocialMapEntry } from '../core/content-types.ts';
import { loadMunicipalities, type Municipalities } from '../handover/municipalities.ts';
import { compileHours } from '../nearby/hours.ts';
import { slugify } from '../nearby/places.ts';
import { holidaysFileSchema, socialMapFileSchema } from './social-map-schema.ts';
import type { ContentError, YamlSource } from './yaml-source.ts';

/** The loader's schema check: parses or records file:line:col errors and returns null. */
export type Check = <S extends z.ZodType>(schema: S, src: YamlSource) => z.infer<S> | null;

/** The national list of municipalities, so that "Den Haag" and "'s-Gravenhage" give the same slug everywhere. */
let directory: Municipalities | null | undefined;
function municipalities(): Municipalities | null {
  if (directory === undefined) {
    try {
      directory = loadMunicipalities();
    } catch {
      directory = null;
    }
  }
  return directory;
}

/** Reserved example domains (RFC 2606 / RFC 6761): the only websites a made-up entry may show. */
const EXAMPLE_HOST = /(^|\.)example\.(com|net|org)$|\.(example|test)$/;

export function loadSocialMap(
  dir: string,
  opts: {
    codes: Set<string>;
    sourceLocale: string;
    now: number;
    read: (f: string) => YamlSource | null;
    check: Check;
    errors: ContentError[];
    warnings: ContentError[];
  },
): SocialMap {
  const { errors, warnings } = opts;
  const base = join(dir, 'social-map');
  if (!existsSync(base)) return { entries: [], holidays: [] };
  const files = readdirSync(base)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  let holidays: PublicHoliday[] = [];
  if (files.includes('holidays.yaml')) {
    const src = opts.read(join(base, 'holidays.yaml'));
    const h = src ? opts.check(holidaysFileSchema, src) : null;
    if (h && src) {
      const seen = new Set<string>();
      h.holidays.forEach((d, i) => {
        if (seen.has(d.date)) errors.push(src.error(['holidays', i, 'date'], `duplicate holiday ${d.date}`));
        seen.add(d.date);
      });
      holidays = [...h.holidays].sort((a, b) => a.date.localeCompare(b.date));
    }
  }
  const entries: SocialMapEntry[] = [];
  const ids = new Set<string>();
  const names = new Map<string, string>();
  let usesPH: { src: YamlSource; path: (string | number)[] } | null = null;
  for (const file of files.filter((f) => f !== 'holidays.yaml')) {
    const src = opts.read(join(base, file));
    if (!src) continue;
    const parsed = opts.check(socialMapFileSchema, src);
    if (!parsed) continue;
    parsed.entries.forEach((e, i) => {
      const at = (...p: (string | number)[]) => ['entries', i, ...p];
      const err = (p: (string | number)[], m: string) => errors.push(src.error(at(...p), m));
      if (ids.has(e.id)) err(['id'], `duplicate social map id "${e.id}"`);
      ids.add(e.id);
      if (e.national) {
        if (!e.phone) err(['phone'], 'a national service needs its real public phone number');
        for (const k of ['gemeente', 'address', 'coordinates'] as const) if (e[k] !== undefined) err([k], `a national service has no ${k}: it is a phone line`);
      } else {
        for (const k of ['gemeente', 'address', 'coordinates'] as const)
          if (e[k] === undefined) err([], `missing "${k}" (only national services may leave it out)`);
      }
      if (e.example) {
        if (e.phone) err(['phone'], 'example entries must not have a phone number: a made-up number can reach a real person (see content/README.md)');
        if (e.website && !EXAMPLE_HOST.test(new URL(e.website).hostname))
          err(['website'], 'example entries may only link to reserved example domains such as example.org');
      }
      if (!e.description[opts.sourceLocale]) err(['description'], `missing description in the source locale "${opts.sourceLocale}"`);
      for (const code of Object.keys(e.description)) {
        if (!opts.codes.has(code)) {
          const p = src.keyPos(at('description'), code);
          errors.push({ file: src.file, line: p.line, col: p.col, message: `unknown locale "${code}"` });
        }
      }
      const missing = [...opts.codes].filter((c) => !e.description[c]);
      if (missing.length && e.description[opts.sourceLocale]) {
        warnings.push(src.error(at('description'), `description missing in ${missing.join(', ')} (the fallback language is shown)`));
      }
      if (e.opening_hours) {
        if (/\bPH\b/.test(e.opening_hours) && !usesPH) usesPH = { src, path: at('opening_hours') };
        const c = compileHours(e.opening_hours, holidays);
        if (!c.ok) err(['opening_hours'], `opening_hours: ${c.error}`);
        else for (const w of c.warnings) warnings.push(src.error(at('opening_hours'), `opening_hours: ${w}`));
      }
      const known = e.gemeente ? municipalities()?.exact(e.gemeente) : undefined;
      const slug = known?.id ?? (e.gemeente ? slugify(e.gemeente) : null);
      if (slug && e.gemeente) {
        if (!known && !e.example && municipalities()) {
          warnings.push(
            src.error(at('gemeente'), `"${e.gemeente}" is not in the list of Dutch municipalities: check the spelling, or users will not find these entries`),
          );
        }
        const name = known?.name ?? e.gemeente;
        const prev = names.get(slug);
        if (prev && prev !== name) warnings.push(src.error(at('gemeente'), `"${e.gemeente}" is spelled "${prev}" elsewhere`));
        names.set(slug, prev ?? name);
      }
      entries.push({
        id: e.id,
        name: e.name,
        type: e.type,
        alsoFor: e.also_for,
        national: e.national,
        gemeente: slug,
        gemeenteName: slug ? (names.get(slug) ?? e.gemeente ?? null) : null,
        address: e.address ?? null,
        coordinates: e.coordinates ?? null,
        phone: e.phone ?? null,
        website: e.website ?? null,
        openingHours: e.opening_hours ?? null,
        languages: e.languages,
        cost: e.cost,
        description: e.description,
        example: e.example,
        translationsReviewed: parsed.translations === 'reviewed',
      });
    });
  }
  const ph = usesPH as { src: YamlSource; path: (string | number)[] } | null;
  if (ph) {
    const year = new Date(opts.now).getUTCFullYear();
    if (!holidays.some((h) => h.date.startsWith(`${year}-`))) {
      warnings.push(
        ph.src.error(ph.path, `PH is used but social-map/holidays.yaml has no dates for ${year}: add them, or public holidays count as normal days`),
      );
    }
  }
  return { entries, holidays };
}
