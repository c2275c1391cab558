/**
 * Municipalities: slugs, and a forgiving matcher for what people type ("gemeente Den Bosch", "voorbeeldstat") over
 * the municipalities that have entries in the social map (including the fictional Voorbeeldstad). The national list
 * of all Dutch municipalities lives in the handover module (`src/handover/municipalities.ts`); the flow consults it
 * through the `PlaceDirectory` port, so slugs are the same everywhere (session, handover routing, social map).
 */
import Fuse from 'fuse.js';

export interface Place {
  slug: string;
  name: string;
}

/** Lowercase-with-dashes without diacritics: "'s-Hertogenbosch" → "s-hertogenbosch", "Súdwest-Fryslân" → "sudwest-fryslan". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const FILLER = /^(?:gemeente|gem|municipality|stad|city|in|ik woon in|i live in)\s+/;

/** The national list of municipalities (implemented by the handover module's `loadMunicipalities()`). */
export interface PlaceDirectory {
  get(id: string): { id: string; name: string } | undefined;
  /** Exact name, slug or alias (case, accents and punctuation ignored). */
  exact(text: string): { id: string; name: string } | undefined;
  /** Best fuzzy candidates, best first. */
  match(text: string, limit?: number): { id: string; name: string }[];
}

/** "Gemeente Utrecht", "ik woon in Utrecht." → "utrecht" (lower case, fillers and end punctuation removed). */
export function stripFillers(text: string): string {
  let q = text
    .normalize('NFKC')
    .toLowerCase()
    .trim()
    .replace(/[.!?]+$/, '');
  for (let i = 0; i < 3; i++) q = q.replace(FILLER, '');
  return q;
}

/** A matcher over a list of places. */
export function createPlaceMatcher(places: Place[]) {
  const bySlug = new Map(places.map((p) => [p.slug, p]));
  const fuse = new Fuse(places, { keys: ['name', 'slug'], threshold: 0.3, includeScore: true, ignoreLocation: true });
  return {
    get(slug: string): Place | undefined {
      return bySlug.get(slug);
    },
    /** `exact`: one certain place; otherwise up to three candidates (possibly none). */
    match(text: string): { exact: Place | null; candidates: Place[] } {
      const q = stripFillers(text);
      const slug = slugify(q);
      if (!slug) return { exact: null, candidates: [] };
      const exact = bySlug.get(slug);
      if (exact) return { exact, candidates: [exact] };
      // A known name inside a short sentence: "ik woon in voorbeeldstad".
      const inside = slug.split('-').length >= 3 ? places.filter((p) => p.slug.length >= 4 && `-${slug}-`.includes(`-${p.slug}-`)) : [];
      if (inside.length === 1 && inside[0]) return { exact: inside[0], candidates: inside };
      const found = fuse.search(slug.replace(/-/g, ' '), { limit: 3 });
      const best = found[0];
      const second = found[1];
      if (best && (best.score ?? 1) < 0.15 && (!second || (second.score ?? 1) - (best.score ?? 1) > 0.1)) return { exact: best.item, candidates: [best.item] };
      return { exact: null, candidates: found.map((r) => r.item) };
    },
  };
}

export type PlaceMatcher = ReturnType<typeof createPlaceMatcher>;

/** Union by slug; earlier lists win on the display name. */
export function mergePlaces(...lists: Place[][]): Place[] {
  const out = new Map<string, Place>();
  for (const list of lists) for (const p of list) if (!out.has(p.slug)) out.set(p.slug, p);
  return [...out.values()];
}
