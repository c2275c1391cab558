/** Schedules (Europe/Amsterdam, across daylight saving), routing rules, municipalities and statistics. */
import { describe, expect, it } from 'vitest';
import type { HelperRow } from '../../src/core/handover-port.ts';
import { resolveRegions } from '../../src/handover/accounts.ts';
import { loadMunicipalities } from '../../src/handover/municipalities.ts';
import { estimate, mayTake, offerTo } from '../../src/handover/routing.ts';
import { isOpen, nextOpen, parseSchedule, ScheduleError } from '../../src/handover/schedule.ts';
import { computeStats, isoWeek, median } from '../../src/handover/stats.ts';
import { conversation, helper } from '../storage/handover-contract.ts';

const munis = loadMunicipalities();
// Monday 23 November 2026 (CET, UTC+1) and Monday 29 June 2026 (CEST, UTC+2).
const monWinter = (h: number, m = 0) => Date.UTC(2026, 10, 23, h - 1, m);
const monSummer = (h: number, m = 0) => Date.UTC(2026, 5, 29, h - 2, m);

describe('weekly schedules in Amsterdam time', () => {
  it('parses English and Dutch days, ranges and several slots', () => {
    expect(parseSchedule('mo-fr 09:00-12:00, we 13:00-17:00 19:00-21:00').length).toBe(7);
    expect(parseSchedule('ma 09:00-10:00; zo 10:00-11:00')).toEqual([
      { from: 540, to: 600 },
      { from: 6 * 1440 + 600, to: 6 * 1440 + 660 },
    ]);
    expect(parseSchedule('')).toEqual([]);
    expect(parseSchedule('sa-mo 10:00-11:00').length).toBe(3);
    for (const bad of ['xx 09:00-10:00', 'mo 9-10', 'mo 10:00-09:00', 'mo', 'mo 25:00-26:00']) expect(() => parseSchedule(bad)).toThrow(ScheduleError);
  });

  it('is open by wall-clock time in winter and in summer', () => {
    const s = parseSchedule('mo 09:00-12:00');
    expect(isOpen(s, monWinter(9))).toBe(true);
    expect(isOpen(s, monWinter(8, 59))).toBe(false);
    expect(isOpen(s, monWinter(12))).toBe(false);
    expect(isOpen(s, monSummer(9))).toBe(true);
    expect(isOpen(s, monSummer(8, 30))).toBe(false);
  });

  it('finds the next opening, also across the change to winter time', () => {
    const s = parseSchedule('mo 09:00-12:00, we 13:00-17:00');
    expect(nextOpen(s, monWinter(10))).toBe(monWinter(10));
    expect(nextOpen(s, monWinter(12, 30))).toBe(Date.UTC(2026, 10, 25, 12, 0)); // Wednesday 13:00 CET
    // Saturday 24 October 2026 (CEST) → Monday 26 October 09:00 CET (clocks went back on Sunday 25 October).
    expect(nextOpen(s, Date.UTC(2026, 9, 24, 10, 0))).toBe(Date.UTC(2026, 9, 26, 8, 0));
    expect(nextOpen([], monWinter(10))).toBeNull();
  });
});

describe('routing rules', () => {
  const c = { locale: 'ar', municipality: 'utrecht', province: 'utrecht', genderPreference: null } as const;
  const h = (over: Partial<HelperRow>) => helper({ schedule: 'mo-fr 09:00-17:00', ...over });

  it('needs the language and the region (municipality, province or everywhere)', () => {
    expect(mayTake(h({ languages: ['ti'] }), c)).toBe(false);
    expect(mayTake(h({ regions: ['amersfoort'] }), c)).toBe(false);
    expect(mayTake(h({ regions: ['utrecht'] }), c)).toBe(true);
    expect(mayTake(h({ regions: ['prov:utrecht'] }), c)).toBe(true);
    expect(mayTake(h({ regions: ['prov:gelderland'] }), c)).toBe(false);
    expect(mayTake(h({ regions: ['*'] }), c)).toBe(true);
    expect(mayTake(h({ regions: ['amersfoort'] }), { ...c, municipality: null, province: null })).toBe(true);
    expect(mayTake(h({ active: false }), c)).toBe(false);
  });

  it('offers to helpers on duty and under their limit, preferring the asked gender', () => {
    const amal = h({ id: 'a', gender: 'woman' });
    const omar = h({ id: 'o', gender: 'man' });
    const night = h({ id: 'n', schedule: 'sa 20:00-22:00' });
    const full = h({ id: 'f', maxOpen: 1 });
    const open = new Map([['f', 1]]);
    expect(offerTo([amal, omar, night, full], c, monWinter(10), open).map((x) => x.id)).toEqual(['a', 'o']);
    expect(offerTo([amal, omar], { ...c, genderPreference: 'man' }, monWinter(10), open).map((x) => x.id)).toEqual(['o']);
    expect(offerTo([amal], { ...c, genderPreference: 'man' }, monWinter(10), open).map((x) => x.id)).toEqual(['a']);
  });

  it('estimates honestly: now, the next opening, or nobody', () => {
    const amal = h({});
    expect(estimate([amal], c, monWinter(10))).toEqual({ kind: 'now' });
    expect(estimate([amal], c, monWinter(18))).toEqual({ kind: 'later', at: Date.UTC(2026, 10, 24, 8, 0) });
    expect(estimate([h({ languages: ['ti'] })], c, monWinter(10))).toEqual({ kind: 'none' });
    expect(estimate([h({ schedule: '' })], c, monWinter(10))).toEqual({ kind: 'none' });
  });
});

describe('municipalities (CBS 2026 list shipped as data)', () => {
  it('has 342 municipalities in 12 provinces with unique ids', () => {
    expect(munis.all).toHaveLength(342);
    expect(Object.keys(munis.provinces)).toHaveLength(12);
    expect(new Set(munis.all.map((m) => m.id)).size).toBe(342);
    expect(munis.source).toContain('CBS');
  });

  it('matches what people type', () => {
    expect(munis.exact('Den Haag')?.id).toBe('s-gravenhage');
    expect(munis.exact("'s-Hertogenbosch")?.id).toBe('s-hertogenbosch');
    expect(munis.exact('den bosch')?.id).toBe('s-hertogenbosch');
    expect(munis.exact('gemeente Súdwest-Fryslân')?.id).toBe('sudwest-fryslan');
    expect(munis.exact('أمستردام')?.id).toBe('amsterdam');
    expect(munis.match('Amsterdm')[0]?.id).toBe('amsterdam');
    expect(munis.match('utrech').map((m) => m.id)).toContain('utrecht');
    expect(munis.match('Nuenen')[0]?.id).toBe('nuenen-gerwen-en-nederwetten');
    expect(munis.match('qwxyzzy')).toEqual([]);
    expect(munis.match('a')).toEqual([]);
  });

  it('resolves helper regions and refuses unknown ones', () => {
    expect(resolveRegions(munis, ['Utrecht', 'den-haag', 'prov:Gelderland', 'friesland', '*'])).toEqual([
      'utrecht',
      's-gravenhage',
      'prov:gelderland',
      'prov:fryslan',
      '*',
    ]);
    expect(() => resolveRegions(munis, ['atlantis'])).toThrow(/unknown region/);
  });
});

describe('coordinator statistics', () => {
  it('counts per locale, region, outcome and week, with the median time to claim and unanswered waits', () => {
    const t0 = Date.UTC(2026, 10, 23, 9);
    const rows = [
      conversation({ id: 'a', createdAt: t0, claimedAt: t0 + 4 * 60_000, status: 'closed', outcome: 'huisarts', rating: 3 }),
      conversation({ id: 'b', createdAt: t0, claimedAt: t0 + 10 * 60_000, status: 'closed', outcome: 'ggz', locale: 'ti', province: null, municipality: null }),
      conversation({ id: 'c', createdAt: t0, status: 'expired', priority: 'crisis' }),
      conversation({ id: 'd', createdAt: t0, status: 'waiting' }),
      conversation({ id: 'e', createdAt: t0, status: 'closed', closedBy: 'user' }),
    ];
    const s = computeStats(rows, t0 + 30 * 60_000, 0);
    expect(s).toMatchObject({
      total: 5,
      byLocale: { ar: 4, ti: 1 },
      byRegion: { utrecht: 4, '(none)': 1 },
      byOutcome: { huisarts: 1, ggz: 1 },
      byWeek: { '2026-W48': 5 },
      crisis: 1,
      claimed: 2,
      medianClaimMinutes: 7,
      unanswered: { expired: 1, userStopped: 1, waitingNow: 1, oldestWaitMinutes: 30 },
      ratings: { '3': 1 },
    });
    expect(JSON.stringify(s)).not.toContain('سؤال');
    expect(isoWeek(Date.UTC(2026, 0, 1))).toBe('2026-W01');
    expect(isoWeek(Date.UTC(2027, 0, 1))).toBe('2026-W53');
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });
});
