/**
 * The Dutch municipalities shipped as data (`gemeenten.json`, source and uncertainty in its header), with
 * fuzzy matching of what a user types ("Den Haag", "amsterdm", "أمستردام") and resolution of helper regions.
 * @see https://www.fusejs.io/api/options.html
 */
import { readFileSync } from 'node:fs';
import Fuse from 'fuse.js';
import { normalize } from '../search/normalize.ts';

export interface Municipality {
  id: string;
  name: string;
  province: string;
  aliases?: string[];
}

interface GemeentenFile {
  source: string;
  uncertainty: string;
  provinces: Record<string, string>;
  municipalities: Municipality[];
}

export interface Municipalities {
  all: Municipality[];
  provinces: Record<string, string>;
  source: string;
  get(id: string): Municipality | undefined;
  /** The municipality whose name, slug or alias is exactly this text (case, accents and punctuation ignored). */
  exact(text: string): Municipality | undefined;
  /** Best matches, best first: one exact hit, or up to `limit` fuzzy candidates; empty when nothing is close. */
  match(text: string, limit?: number): Municipality[];
  /**
   * A helper region given by an administrator: a municipality name or slug, a province (`prov:utrecht`, or a province
   * name that is not also a municipality, e.g. `gelderland`), or `*` for the whole country.
   */
  resolveRegion(text: string): { kind: 'all' | 'municipality' | 'province'; id: string } | null;
}

const PROVINCE_ALIASES: Record<string, string> = { friesland: 'fryslan', 'den-haag': 's-gravenhage', 'den-bosch': 's-hertogenbosch' };
const key = (s: string) =>
  normalize(s)
    .replace(/^'s[- ]/, 's-')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
const slugify = (s: string) => key(s).replace(/ /g, '-');

export function loadMunicipalities(file = new URL('./gemeenten.json', import.meta.url)): Municipalities {
  const data = JSON.parse(readFileSync(file, 'utf8')) as GemeentenFile;
  const all = data.municipalities;
  const byId = new Map(all.map((m) => [m.id, m]));
  const exact = new Map<string, Municipality>();
  for (const m of all) for (const n of [m.name, m.id, ...(m.aliases ?? [])]) exact.set(key(n), m);
  const entries = all.map((m) => ({ m, names: [m.name, ...(m.aliases ?? [])].map(key) }));
  const fuse = new Fuse(entries, { keys: ['names'], threshold: 0.3, ignoreLocation: true, includeScore: true, minMatchCharLength: 2 });
  return {
    all,
    provinces: data.provinces,
    source: data.source,
    get: (id) => byId.get(id),
    exact: (text) => exact.get(key(text).replace(/^(gemeente|gem) /, '')),
    match(text, limit = 3) {
      const k = key(text).replace(/^(gemeente|gem) /, '');
      if (k.length < 2) return [];
      const hit = exact.get(k);
      if (hit) return [hit];
      const seen = new Set<string>();
      const out: Municipality[] = [];
      for (const r of fuse.search(k, { limit: limit * 3 })) {
        if (seen.has(r.item.m.id)) continue;
        seen.add(r.item.m.id);
        out.push(r.item.m);
        if (out.length >= limit) break;
      }
      return out;
    },
    resolveRegion(text) {
      const t = text.trim();
      if (t === '*' || /^(all|alle|nl|nederland)$/i.test(t)) return { kind: 'all', id: '*' };
      const prov = /^(?:prov|provincie|province)[: -]+(.+)$/i.exec(t);
      if (prov?.[1]) {
        const p = PROVINCE_ALIASES[slugify(prov[1])] ?? slugify(prov[1]);
        return p in data.provinces ? { kind: 'province', id: p } : null;
      }
      const slug = PROVINCE_ALIASES[slugify(t)] ?? slugify(t);
      if (byId.has(slug)) return { kind: 'municipality', id: slug };
      if (slug in data.provinces) return { kind: 'province', id: slug };
      const m = exact.get(key(t));
      return m ? { kind: 'municipality', id: m.id } : null;
    },
  };
}
