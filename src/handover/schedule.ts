/**
 * Weekly availability of a sleutelpersoon in Europe/Amsterdam, written as `mo-fr 09:00-12:00, we 13:00-17:00 19:00-21:00`
 * (English or Dutch day abbreviations: mo/ma tu/di we/wo th/do fr/vr sa/za su/zo). Times are wall-clock times in the
 * Netherlands whatever the server's time zone, including across daylight-saving changes.
 */

export const TIME_ZONE = 'Europe/Amsterdam';

/** Minutes since Monday 00:00 (local), half-open [from, to). */
export interface Slot {
  from: number;
  to: number;
}

const DAYS: Record<string, number> = { mo: 0, ma: 0, tu: 1, di: 1, we: 2, wo: 2, th: 3, do: 3, fr: 4, vr: 4, sa: 5, za: 5, su: 6, zo: 6 };
const WEEK = 7 * 1440;

export class ScheduleError extends Error {}

function day(token: string): number {
  const d = DAYS[token.slice(0, 2).toLowerCase()];
  if (d === undefined) throw new ScheduleError(`unknown day "${token}" (use mo tu we th fr sa su)`);
  return d;
}

function minutes(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new ScheduleError(`bad time "${hhmm}" (use HH:MM)`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) throw new ScheduleError(`bad time "${hhmm}"`);
  return h * 60 + min;
}

/** Parses a schedule; throws ScheduleError with a readable message. An empty string is "no fixed hours". */
export function parseSchedule(text: string): Slot[] {
  const slots: Slot[] = [];
  for (const item of text
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [daysPart, ...ranges] = item.split(/\s+/);
    if (!daysPart || !ranges.length) throw new ScheduleError(`"${item}" needs days and times, e.g. "mo-fr 09:00-12:00"`);
    const [a, b] = daysPart.split('-');
    const first = day(a ?? '');
    const last = b ? day(b) : first;
    const days: number[] = [];
    for (let d = first; ; d = (d + 1) % 7) {
      days.push(d);
      if (d === last) break;
    }
    for (const r of ranges) {
      const [f, t] = r.split('-');
      const from = minutes(f ?? '');
      const to = minutes(t ?? '');
      if (to <= from) throw new ScheduleError(`"${r}": the end must be after the start (split ranges over midnight)`);
      for (const d of days) slots.push({ from: d * 1440 + from, to: d * 1440 + to });
    }
  }
  return slots.sort((x, y) => x.from - y.from);
}

const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const WD: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** Minutes since Monday 00:00 in Amsterdam for an instant. */
export function weekMinute(at: number): number {
  const parts = fmt.formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return (WD[get('weekday')] ?? 0) * 1440 + Number(get('hour')) * 60 + Number(get('minute'));
}

export function isOpen(slots: Slot[], at: number): boolean {
  const m = weekMinute(at);
  return slots.some((s) => m >= s.from && m < s.to);
}

/** The next instant at or after `at` when the schedule is open (now when open now); null for an empty schedule. */
export function nextOpen(slots: Slot[], at: number): number | null {
  if (!slots.length) return null;
  if (isOpen(slots, at)) return at;
  const now = weekMinute(at);
  let best = Number.POSITIVE_INFINITY;
  for (const s of slots) best = Math.min(best, (s.from - now + WEEK) % WEEK || WEEK);
  // Whole minutes ahead in wall-clock time; correct for a daylight-saving change in between.
  const base = at - (at % 60_000);
  let candidate = base + best * 60_000;
  const drift = weekMinute(candidate) - ((now + best) % WEEK);
  if (drift !== 0 && Math.abs(drift) <= 120) candidate -= drift * 60_000;
  return candidate;
}
