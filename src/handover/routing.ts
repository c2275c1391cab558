/**
 * Routing rules: a conversation is for helpers who speak its language and cover its region (when one was given).
 * It is offered (notices) to those who are also on duty now and under their limit of open conversations, preferring
 * the gender the user asked for when such a helper is available. Nobody available: it stays waiting.
 */
import type { ConversationRow, HelperRow } from '../core/handover-port.ts';
import { isOpen, nextOpen, parseSchedule, type Slot } from './schedule.ts';

const slotCache = new Map<string, Slot[]>();
export function slotsOf(h: HelperRow): Slot[] {
  let s = slotCache.get(h.schedule);
  if (!s) {
    try {
      s = parseSchedule(h.schedule);
    } catch {
      s = [];
    }
    slotCache.set(h.schedule, s);
  }
  return s;
}

type Conv = Pick<ConversationRow, 'locale' | 'municipality' | 'province' | 'genderPreference'>;

export function coversRegion(h: HelperRow, c: Conv): boolean {
  if (!c.municipality || !h.regions.length || h.regions.includes('*')) return true;
  return h.regions.includes(c.municipality) || (c.province !== null && h.regions.includes(`prov:${c.province}`));
}

/** May this helper see, open and claim this conversation? */
export function mayTake(h: HelperRow, c: Conv): boolean {
  return h.active && h.languages.includes(c.locale) && coversRegion(h, c);
}

export function onDuty(h: HelperRow, now: number, openCount: number): boolean {
  return openCount < h.maxOpen && isOpen(slotsOf(h), now);
}

/** Helpers to notify about a new waiting conversation. */
export function offerTo(helpers: HelperRow[], c: Conv, now: number, openCounts: Map<string, number>): HelperRow[] {
  const ready = helpers.filter((h) => mayTake(h, c) && onDuty(h, now, openCounts.get(h.id) ?? 0));
  const preferred = c.genderPreference ? ready.filter((h) => h.gender === c.genderPreference) : [];
  return preferred.length ? preferred : ready;
}

export type Estimate = { kind: 'now' } | { kind: 'later'; at: number } | { kind: 'none' };

/** What can honestly be said about the wait: somebody on duty now, the next opening hour, or nobody at all. */
export function estimate(helpers: HelperRow[], c: Conv, now: number): Estimate {
  const matching = helpers.filter((h) => mayTake(h, c));
  if (!matching.length) return { kind: 'none' };
  // On duty now (even when busy with other conversations): somebody who can take it is working.
  if (matching.some((h) => isOpen(slotsOf(h), now))) return { kind: 'now' };
  let best: number | null = null;
  for (const h of matching) {
    const at = nextOpen(slotsOf(h), now);
    if (at !== null && (best === null || at < best)) best = at;
  }
  return best === null ? { kind: 'none' } : { kind: 'later', at: best };
}
