/**
 * "Open now" in Europe/Amsterdam time under a fake clock: a whole week, lunch breaks, public holidays from the shipped
 * list (PH), ranges across midnight, daylight saving time, and the rendering in all nine languages.
 */
import { join } from 'node:path';
import OpeningHours from 'opening_hours';
import { describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/core/context.ts';
import { createI18n } from '../../src/i18n/i18n.ts';
import { amsterdamDate, compileHours, expandHolidays, type HoursStatus, hoursStatus } from '../../src/nearby/hours.ts';
import { statusLine } from '../../src/nearby/render.ts';
import { loadSnapshot, ROOT } from '../helpers/engine.ts';
import { ams, CONTENT, LOCALES } from './harness.ts';

const snapshot = loadSnapshot(CONTENT);
const holidays = snapshot.socialMap?.holidays ?? [];
const hoursOf = (id: string) => snapshot.socialMap?.entries.find((e) => e.id === id)?.openingHours ?? '';

function status(value: string, at: number): HoursStatus {
  const c = compileHours(value, holidays);
  if (!c.ok) throw new Error(c.error);
  return hoursStatus(c.oh, at);
}
const open = (days: number, weekday: number, hh: number, mm = 0) => ({ kind: 'open', until: { days, weekday, hh, mm } });
const closed = (days: number, weekday: number, hh: number, mm = 0) => ({ kind: 'closed', opens: { days, weekday, hh, mm } });

const GP = 'Mo-Fr 08:00-17:00; PH off';
const HAP = 'Mo-Fr 00:00-08:00,17:00-24:00; Sa,Su,PH 00:00-24:00';

describe('opening hours across a week (GP: Mo-Fr 08:00-17:00; PH off), week of Monday 23 November 2026', () => {
  it('is open on weekdays at 10:00 and closed at the weekend', () => {
    const expected = [true, true, true, true, true, false, false];
    for (let i = 0; i < 7; i++) expect(status(GP, ams(2026, 11, 23 + i, 10)).kind, `day ${i}`).toBe(expected[i] ? 'open' : 'closed');
  });

  it('says until when it is open and when it opens next', () => {
    expect(status(GP, ams(2026, 11, 23, 7, 59))).toEqual(closed(0, 1, 8));
    expect(status(GP, ams(2026, 11, 23, 8, 0))).toEqual(open(0, 1, 17));
    expect(status(GP, ams(2026, 11, 23, 16, 59))).toEqual(open(0, 1, 17));
    expect(status(GP, ams(2026, 11, 23, 17, 0))).toEqual(closed(1, 2, 8));
    expect(status(GP, ams(2026, 11, 27, 17, 30))).toEqual(closed(3, 1, 8)); // Friday evening → Monday
    expect(status(GP, ams(2026, 11, 28, 12, 0))).toEqual(closed(2, 1, 8)); // Saturday
    expect(status(GP, ams(2026, 11, 29, 23, 59))).toEqual(closed(1, 1, 8)); // Sunday night → tomorrow
  });

  it('knows a lunch break', () => {
    const plein = hoursOf('gezondheidscentrum-het-plein');
    expect(status(plein, ams(2026, 11, 24, 12, 45))).toEqual(closed(0, 2, 13, 30));
    expect(status(plein, ams(2026, 11, 24, 11, 0))).toEqual(open(0, 2, 12, 30));
  });

  it('uses Amsterdam time, not the server clock: 07:30 UTC on a winter Monday is 08:30 in Amsterdam', () => {
    expect(status(GP, Date.UTC(2026, 10, 23, 7, 30)).kind).toBe('open');
    expect(status(GP, Date.UTC(2026, 10, 23, 6, 59)).kind).toBe('closed');
  });

  it('follows daylight saving time (clocks go forward on 29 March 2026)', () => {
    expect(status(GP, Date.UTC(2026, 2, 27, 7, 0)).kind).toBe('open'); // Friday 08:00 CET
    expect(status(GP, Date.UTC(2026, 2, 30, 6, 0)).kind).toBe('open'); // Monday 08:00 CEST
    expect(status(GP, Date.UTC(2026, 2, 30, 5, 59)).kind).toBe('closed');
  });
});

describe('public holidays (PH) from content/social-map/holidays.yaml', () => {
  it('ships the 2026 Dutch public holidays', () => {
    expect(holidays.map((h) => h.date)).toEqual([
      '2026-01-01',
      '2026-04-05',
      '2026-04-06',
      '2026-04-27',
      '2026-05-05',
      '2026-05-14',
      '2026-05-24',
      '2026-05-25',
      '2026-12-25',
      '2026-12-26',
    ]);
  });

  it('closes the GP and opens the huisartsenpost all day on Tweede Paasdag (Monday 6 April 2026)', () => {
    expect(status(GP, ams(2026, 4, 6, 10))).toEqual(closed(1, 2, 8));
    expect(status(HAP, ams(2026, 4, 6, 10))).toEqual(open(1, 2, 8));
    expect(status(GP, ams(2026, 4, 7, 10)).kind).toBe('open');
  });

  it('skips a holiday and the weekend after it: Christmas 2026', () => {
    expect(status(GP, ams(2026, 12, 24, 16))).toEqual(open(0, 4, 17));
    expect(status(GP, ams(2026, 12, 24, 17))).toEqual(closed(4, 1, 8)); // Thursday evening → Monday 28 December
  });

  it('keeps Goede Vrijdag a working day (not an algemeen erkende feestdag) and Koningsdag a holiday', () => {
    expect(status(GP, ams(2026, 4, 3, 10)).kind).toBe('open');
    expect(status(GP, ams(2026, 4, 27, 10)).kind).toBe('closed');
    expect(status(GP, ams(2026, 5, 14, 10))).toEqual(closed(1, 5, 8)); // Hemelvaartsdag → Friday
  });

  it('agrees with the opening_hours package’s Dutch calendar on every weekday holiday', () => {
    const lib = new OpeningHours('PH', { lat: 52.1, lon: 5.1, address: { country_code: 'nl', state: 'Utrecht' } });
    for (const h of holidays) {
      const [y, m, d] = h.date.split('-').map(Number) as [number, number, number];
      const noon = new Date(y, m - 1, d, 12);
      if (noon.getDay() !== 0) expect(lib.getState(noon), h.date).toBe(true);
    }
    // The package's list also has Goede Vrijdag; ours leaves it out on purpose (see holidays.yaml).
    expect(lib.getState(new Date(2026, 3, 3, 12))).toBe(true);
  });

  it('rewrites PH rules into dates and refuses forms it cannot rewrite', () => {
    const two = [
      { date: '2026-04-06', name: 'Tweede Paasdag' },
      { date: '2026-12-25', name: 'Eerste Kerstdag' },
    ];
    expect(expandHolidays('Mo-Fr 08:00-17:00; PH off', two)).toEqual({ value: 'Mo-Fr 08:00-17:00; 2026 Apr 06,2026 Dec 25 off' });
    expect(expandHolidays('Mo-Sa 09:00-17:00; Su,PH off', two)).toEqual({ value: 'Mo-Sa 09:00-17:00; Su off; 2026 Apr 06,2026 Dec 25 off' });
    expect(expandHolidays('Mo-Fr 08:00-17:00; PH off', [])).toEqual({ value: 'Mo-Fr 08:00-17:00' });
    expect(expandHolidays('Mo-Fr 08:00-17:00 "PH: call first"', two)).toEqual({ value: 'Mo-Fr 08:00-17:00 "PH: call first"' });
    expect(expandHolidays('PH +1 day off', two)).toHaveProperty('error');
    expect(expandHolidays('Mo-Fr 08:00-17:00; SH off', two)).toHaveProperty('error');
    expect(compileHours('Mo-Fr 25:00-26:00', two).ok).toBe(false);
  });
});

describe('across midnight', () => {
  it('huisartsenpost: an evening shift runs on into the night without a break at 00:00', () => {
    expect(status(HAP, ams(2026, 11, 24, 23, 59))).toEqual(open(1, 3, 8)); // Tuesday night → tomorrow 08:00
    expect(status(HAP, ams(2026, 11, 25, 0, 0))).toEqual(open(0, 3, 8));
    expect(status(HAP, ams(2026, 11, 25, 8, 0))).toEqual(closed(0, 3, 17));
    expect(status(HAP, ams(2026, 11, 27, 17, 0))).toEqual(open(3, 1, 8)); // Friday 17:00 → Monday 08:00
  });

  it('a range written across midnight (Fr 22:00-02:00)', () => {
    expect(status('Fr 22:00-02:00', ams(2026, 11, 27, 23, 0))).toEqual(open(1, 6, 2));
    expect(status('Fr 22:00-02:00', ams(2026, 11, 28, 1, 59))).toEqual(open(0, 6, 2));
    expect(status('Fr 22:00-02:00', ams(2026, 11, 28, 2, 0))).toEqual(closed(6, 5, 22));
  });

  it('24/7 is always open; the Amsterdam date changes at local midnight', () => {
    expect(status('24/7', ams(2026, 11, 23, 3))).toEqual({ kind: 'always' });
    expect(amsterdamDate(Date.UTC(2026, 11, 24, 23, 30))).toBe('2026-12-25'); // 00:30 in Amsterdam
  });
});

describe('the status line in every language', async () => {
  const i18n = await createI18n(join(ROOT, 'locales'));
  const ctxFor = (locale: string) => ({ locale, t: (k: string, v?: Record<string, unknown>) => i18n.t(locale, k, v) }) as unknown as Ctx;
  it.each(LOCALES)('%s', (locale) => {
    const ctx = ctxFor(locale);
    const lines = [
      statusLine(ctx, status(GP, ams(2026, 11, 23, 10))),
      statusLine(ctx, status(GP, ams(2026, 11, 27, 17, 30))),
      statusLine(ctx, status(GP, ams(2026, 11, 23, 7))),
      statusLine(ctx, status(HAP, ams(2026, 11, 24, 23))),
      statusLine(ctx, { kind: 'always' }),
      statusLine(ctx, { kind: 'unknown' }),
    ];
    expect(lines[0]).toContain('17:00');
    expect(lines[1]).toContain('08:00');
    // "Monday" in the user's language, from CLDR (Dari uses fa-AF).
    const monday = new Intl.DateTimeFormat(locale === 'prs' ? 'fa-AF' : locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2026, 0, 5));
    expect(lines[1]).toContain(monday);
    expect(lines[2]).toContain(i18n.t(locale, 'nearby.opens_today', { time: '08:00' }));
    expect(lines[3]).toContain(i18n.t(locale, 'nearby.open_until_tomorrow', { time: '08:00' }));
    for (const l of lines) expect(l).not.toMatch(/nearby\./);
    if (locale !== 'en') expect(lines.join('\n')).not.toContain(i18n.t('en', 'nearby.open_until', { time: '17:00' }));
  });
});
