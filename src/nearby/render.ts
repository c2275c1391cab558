/**
 * One social map entry as a message in the user's language: example notice, address and distance, open now or
 * when it next opens (Europe/Amsterdam), phone, route link, languages, cost and description.
 */
import type { PublicHoliday, SocialMapEntry } from '../core/content-types.ts';
import type { Ctx } from '../core/context.ts';
import { distanceMetres, type LatLon, routeUrl } from './geo.ts';
import { amsterdamDate, type CompiledHours, compileHours, type HoursStatus, hoursStatus, type WallTime } from './hours.ts';

/** Intl locale for a content locale: Dari is CLDR's fa-AF; digits stay Latin like phone numbers and signs. */
export function intlLocale(code: string): string {
  return `${code === 'prs' ? 'fa-AF' : code}-u-nu-latn`;
}

const compiled = new WeakMap<SocialMapEntry, CompiledHours>();

export function entryHours(entry: SocialMapEntry, holidays: PublicHoliday[]): CompiledHours | null {
  if (!entry.openingHours) return null;
  let c = compiled.get(entry);
  if (!c) {
    c = compileHours(entry.openingHours, holidays);
    compiled.set(entry, c);
  }
  return c;
}

export function entryStatus(entry: SocialMapEntry, holidays: PublicHoliday[], nowMs: number): HoursStatus {
  const c = entryHours(entry, holidays);
  return c?.ok ? hoursStatus(c.oh, nowMs) : { kind: 'unknown' };
}

function weekdayName(locale: string, weekday: number): string {
  // 2026-01-04 was a Sunday; formatting in UTC keeps this independent of the server's zone.
  return new Intl.DateTimeFormat(intlLocale(locale), { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2026, 0, 4 + weekday));
}

const hhmm = (w: WallTime) => `${String(w.hh).padStart(2, '0')}:${String(w.mm).padStart(2, '0')}`;

/** "Open now, until 17:00", "Closed now. Opens Monday at 08:00", … in the user's language. */
export function statusLine(ctx: Ctx, s: HoursStatus): string {
  switch (s.kind) {
    case 'always':
      return `🟢 ${ctx.t('nearby.open_always')}`;
    case 'unknown':
      return `⚪ ${ctx.t('nearby.hours_unknown')}`;
    case 'open': {
      const time = hhmm(s.until);
      if (s.until.days === 0) return `🟢 ${ctx.t('nearby.open_until', { time })}`;
      if (s.until.days === 1) return `🟢 ${ctx.t('nearby.open_until_tomorrow', { time })}`;
      return `🟢 ${ctx.t('nearby.open_until_day', { time, day: weekdayName(ctx.locale, s.until.weekday) })}`;
    }
    case 'closed': {
      if (!s.opens) return `🔴 ${ctx.t('nearby.closed')}`;
      const time = hhmm(s.opens);
      if (s.opens.days === 0) return `🔴 ${ctx.t('nearby.opens_today', { time })}`;
      if (s.opens.days === 1) return `🔴 ${ctx.t('nearby.opens_tomorrow', { time })}`;
      return `🔴 ${ctx.t('nearby.opens_day', { time, day: weekdayName(ctx.locale, s.opens.weekday) })}`;
    }
  }
}

export function describe(ctx: Ctx, entry: SocialMapEntry): { text: string; locale: string } | null {
  for (const code of [ctx.locale, ...(ctx.localeInfo(ctx.locale)?.fallback ?? []), ctx.snapshot.sourceLocale]) {
    const text = entry.description[code];
    if (text) return { text, locale: code };
  }
  return null;
}

function languageNames(ctx: Ctx, codes: string[]): string {
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([intlLocale(ctx.locale)], { type: 'language', fallback: 'code' });
  } catch {
    names = null;
  }
  return codes.map((c) => ctx.localeInfo(c)?.name ?? names?.of(c) ?? c).join(', ');
}

export function distanceText(ctx: Ctx, metres: number): string {
  if (metres < 1000) return ctx.t('nearby.distance_m', { n: Math.max(50, Math.round(metres / 50) * 50) });
  const km = new Intl.NumberFormat(intlLocale(ctx.locale), { maximumFractionDigits: metres < 10_000 ? 1 : 0 }).format(metres / 1000);
  return ctx.t('nearby.distance_km', { n: km });
}

/** The full text of one entry. */
export function renderEntry(ctx: Ctx, entry: SocialMapEntry, opts: { from: LatLon | null; holidays: PublicHoliday[] }): string {
  const lines: string[] = [`📍 ${entry.name}`];
  if (entry.example) lines.push(ctx.t('nearby.example_notice'));
  if (entry.national) lines.push(`🇳🇱 ${ctx.t('nearby.national')}`);
  if (entry.address) {
    const d = opts.from && entry.coordinates ? ` · ${distanceText(ctx, distanceMetres(opts.from, entry.coordinates))}` : '';
    lines.push(`🏠 ${entry.address}${d}`);
  }
  lines.push(statusLine(ctx, entryStatus(entry, opts.holidays, ctx.now)));
  if (entry.phone) lines.push(`📞 ${ctx.t('nearby.phone')}: ${entry.phone}`);
  else if (entry.example) lines.push(`📞 ${ctx.t('nearby.no_phone_example')}`);
  if (entry.coordinates) lines.push(`🗺️ ${ctx.t('nearby.route')}: ${routeUrl(entry.coordinates, opts.from)}`);
  if (entry.website) lines.push(`🌐 ${ctx.t('nearby.website')}: ${entry.website}`);
  if (entry.languages.length) lines.push(`🗣️ ${ctx.t('nearby.languages')}: ${languageNames(ctx, entry.languages)}`);
  lines.push(`💶 ${ctx.t(`nearby.cost_${entry.cost}`)}`);
  const d = describe(ctx, entry);
  if (d) lines.push('', d.text);
  return lines.join('\n');
}

/** A note when today (Amsterdam) is on the holiday list. */
export function holidayNote(ctx: Ctx, holidays: PublicHoliday[]): string | null {
  const today = amsterdamDate(ctx.now);
  const h = holidays.find((x) => x.date === today);
  return h ? `📅 ${ctx.t('nearby.holiday', { name: h.name })}` : null;
}
