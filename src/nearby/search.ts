/** Which social map entries and kinds of help to show for a municipality or a shared location. */
import { SOCIAL_MAP_TYPES, type SocialMap, type SocialMapEntry } from '../core/content-types.ts';
import { distanceMetres, type LatLon } from './geo.ts';

/** Entries further away than this from a shared location are not "nearby". */
export const NEARBY_RADIUS_M = 25_000;
/** Local entries shown per kind of help (national help lines come on top). */
export const MAX_LOCAL_RESULTS = 5;
/** Pseudo kind: all national help lines. */
export const NATIONAL = 'national';

export interface Where {
  place: string | null;
  at: LatLon | null;
}

const matchesType = (e: SocialMapEntry, type: string) => e.type === type || (e.alsoFor as string[]).includes(type);

export function localEntries(map: SocialMap, where: Where): SocialMapEntry[] {
  return map.entries.filter((e) => {
    if (e.national) return false;
    if (where.at) return e.coordinates !== null && distanceMetres(where.at, e.coordinates) <= NEARBY_RADIUS_M;
    return where.place !== null && e.gemeente === where.place;
  });
}

/** Local entries of this kind (nearest first when a location is known), then matching national help lines. */
export function entriesFor(map: SocialMap, where: Where, type: string): SocialMapEntry[] {
  const national = map.entries.filter((e) => e.national && (type === NATIONAL || matchesType(e, type)));
  if (type === NATIONAL) return national;
  const at = where.at;
  const local = localEntries(map, where).filter((e) => matchesType(e, type));
  local.sort((a, b) =>
    at && a.coordinates && b.coordinates ? distanceMetres(at, a.coordinates) - distanceMetres(at, b.coordinates) : a.name.localeCompare(b.name, 'nl'),
  );
  return [...local.slice(0, MAX_LOCAL_RESULTS), ...national];
}

/** Kinds of help with at least one local entry here, in the canonical order, then the national help lines. */
export function availableTypes(map: SocialMap, where: Where): string[] {
  const local = localEntries(map, where);
  const types: string[] = SOCIAL_MAP_TYPES.filter((t) => local.some((e) => matchesType(e, t)));
  if (map.entries.some((e) => e.national)) types.push(NATIONAL);
  return types;
}

/** Municipalities in the social map, with the name editors wrote; `example` when all their entries are demo data. */
export function mapPlaces(map: SocialMap): { slug: string; name: string; example: boolean }[] {
  const out = new Map<string, { slug: string; name: string; example: boolean }>();
  for (const e of map.entries) {
    if (!e.gemeente || !e.gemeenteName) continue;
    const prev = out.get(e.gemeente);
    out.set(e.gemeente, { slug: e.gemeente, name: prev?.name ?? e.gemeenteName, example: (prev?.example ?? true) && e.example });
  }
  return [...out.values()];
}

/**
 * Splits kinds of help into pages for one list message each: WhatsApp lists hold 10 rows, and every page also has
 * "change place" and "main menu" (and "more…" when there are several pages). The national help lines stay on page 1.
 */
export function typePages(types: string[]): string[][] {
  if (types.length <= 8) return [types];
  const national = types.includes(NATIONAL);
  const rest = types.filter((t) => t !== NATIONAL);
  const first = national ? [...rest.slice(0, 6), NATIONAL] : rest.slice(0, 7);
  const pages = [first];
  for (let i = first.length - (national ? 1 : 0); i < rest.length; i += 7) pages.push(rest.slice(i, i + 7));
  return pages;
}
