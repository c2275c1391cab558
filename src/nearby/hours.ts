/**
 * Opening hours in OpenStreetMap syntax, evaluated in Europe/Amsterdam time whatever the server's time zone.
 *
 * - `PH` (public holiday) is replaced by the explicit dates of the holiday list shipped in
 *   `content/social-map/holidays.yaml`, so the list editors see is the list that counts (the package's own Dutch
 *   calendar would need a country lookup and differs on Sundays such as Eerste Paasdag).
 * - The `opening_hours` package evaluates JavaScript `Date`s in the process's local time. We therefore hand it a
 *   "wall clock" Date whose local fields are Amsterdam's wall-clock fields, and read results back the same way.
 * @see https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification
 * @see https://github.com/opening-hours/opening_hours.js#library-api
 */
import OpeningHours from 'opening_hours';
import type { PublicHoliday } from '../core/content-types.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAY_SELECTOR = /^(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?$/;
// Warnings about dates in the past only say the year has moved on; they are no content error.
const IGNORED_WARNINGS = new Set(['date_past', 'year_past', 'date_range_past']);

/** Splits on `;` outside "quoted comments". */
function splitRules(value: string): string[] {
  const rules: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      rules.push(cur);
      cur = '';
    } else cur += ch;
  }
  rules.push(cur);
  return rules.map((r) => r.trim()).filter(Boolean);
}

function holidayDates(holidays: PublicHoliday[]): string {
  return holidays
    .map((h) => {
      const [y, m, d] = h.date.split('-');
      return `${y} ${MONTHS[Number(m) - 1]} ${d}`;
    })
    .join(',');
}

/**
 * Replaces `PH` by the dates of the holiday list. Supported: `PH` as (part of) the leading weekday selector of a
 * rule, e.g. `PH off`, `Su,PH off`, `Sa,Su,PH 10:00-14:00`. Anything else with PH or SH is refused with a reason.
 */
export function expandHolidays(value: string, holidays: PublicHoliday[]): { value: string } | { error: string } {
  const out: string[] = [];
  const dates = holidayDates(holidays);
  for (const rule of splitRules(value)) {
    const unquoted = rule.replace(/"[^"]*"/g, '');
    if (/\bSH\b/.test(unquoted)) return { error: 'school holidays (SH) are not supported: write the dates instead' };
    if (!/\bPH\b/.test(unquoted)) {
      out.push(rule);
      continue;
    }
    const m = /^(\S+)(\s.*)?$/.exec(rule);
    const selectors = (m?.[1] ?? '').split(',');
    const rest = m?.[2] ?? '';
    const others = selectors.filter((s) => s !== 'PH');
    if (selectors.length - others.length !== 1 || !others.every((s) => WEEKDAY_SELECTOR.test(s)) || /\bPH\b/.test(rest) || /^\s*[+-]/.test(rest)) {
      return { error: `write public holidays as a rule of their own, e.g. "PH off" or "Su,PH off" (in: "${rule}")` };
    }
    if (others.length) out.push(`${others.join(',')}${rest}`);
    if (dates) out.push(`${dates}${rest}`);
  }
  return { value: out.join('; ') };
}

export type CompiledHours = { ok: true; oh: OpeningHours; warnings: string[] } | { ok: false; error: string };

/** Parses an opening hours value with the holiday list; never throws. */
export function compileHours(value: string, holidays: PublicHoliday[]): CompiledHours {
  const expanded = expandHolidays(value, holidays);
  if ('error' in expanded) return { ok: false, error: expanded.error };
  try {
    const oh = new OpeningHours(expanded.value, null);
    const warnings = oh
      .getStructuredWarnings()
      .filter((w) => !IGNORED_WARNINGS.has(w.type))
      .map((w) => w.message);
    return { ok: true, oh, warnings };
  } catch (e) {
    return { ok: false, error: String(e instanceof Error ? e.message : e).split('\n')[0] ?? 'invalid opening hours' };
  }
}

const AMS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** A Date whose local fields show the wall-clock time in Amsterdam at instant `ms`. */
export function amsterdamWallClock(ms: number): Date {
  const p: Record<string, number> = {};
  for (const part of AMS.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return new Date(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
}

/** The Amsterdam calendar date (YYYY-MM-DD) at instant `ms`. */
export function amsterdamDate(ms: number): string {
  const d = amsterdamWallClock(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A moment in Amsterdam wall-clock terms: days from today, weekday (0 = Sunday), hours and minutes. */
export interface WallTime {
  days: number;
  weekday: number;
  hh: number;
  mm: number;
}

export type HoursStatus = { kind: 'always' } | { kind: 'open'; until: WallTime } | { kind: 'closed'; opens: WallTime | null } | { kind: 'unknown' };

const dayNumber = (d: Date) => Math.round(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86_400_000);

function toWall(from: Date, at: Date): WallTime {
  return { days: dayNumber(at) - dayNumber(from), weekday: at.getDay(), hh: at.getHours(), mm: at.getMinutes() };
}

/** Open or closed at `nowMs`, and until when / from when, looking at most eight days ahead. */
export function hoursStatus(oh: OpeningHours, nowMs: number): HoursStatus {
  const now = amsterdamWallClock(nowMs);
  const max = new Date(now.getTime() + 8 * 86_400_000);
  if (oh.getUnknown(now)) return { kind: 'unknown' };
  const open = oh.getState(now);
  // A range ending at 24:00 followed by one starting at 00:00 is reported as a change; skip non-changes.
  let at: Date | undefined = now;
  for (let i = 0; i < 50 && at; i++) {
    at = oh.getNextChange(at, max);
    if (!at) break;
    if (oh.getState(at) !== open || oh.getUnknown(at)) break;
  }
  if (open) return at ? { kind: 'open', until: toWall(now, at) } : { kind: 'always' };
  return { kind: 'closed', opens: at && oh.getState(at) ? toWall(now, at) : null };
}
