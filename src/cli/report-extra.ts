/**
 * Report sections that need the database, for editors: helpfulness per topic and locale (👍/👎 and views),
 * the most frequent unanswered questions per locale over the last N days, and crisis cards shown per week.
 * Everything is aggregate: counters carry no user key, and unanswered texts are scrubbed of anything that looks
 * like a phone number, e-mail address, postcode, long number or link before they are shown.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Store } from '../core/ports.ts';
import { openStore } from '../storage/index.ts';
import { argValue, cliConfig } from './util.ts';

export interface HelpfulnessRow {
  topic: string;
  locale: string;
  views: number;
  up: number;
  down: number;
  /** Share of 👍 among the votes (0..1), null without votes. */
  helpful: number | null;
  /** Votes per content version, so editors see whether a rewrite helped. */
  versions: Record<string, { up: number; down: number }>;
}

export interface ExtraReport {
  days: number;
  /** First day counted (YYYY-MM-DD, UTC). */
  since: string;
  helpfulness: HelpfulnessRow[];
  /** Most frequent unanswered questions, per locale, scrubbed of identifiers. */
  unanswered: { locale: string; text: string; count: number }[];
  crisisPerWeek: { week: string; locale: string; count: number }[];
}

// Two-letter words that follow a year in ordinary sentences ("in 2026 en ..."): not a postcode.
const POSTCODE_NOT = new Set(['en', 'is', 'in', 'op', 'of', 'te', 'de', 'ik', 'je', 'we', 'at', 'to', 'an', 'or', 'as', 'il', 'ye']);

/** Replaces what could identify someone with a placeholder. */
export function scrubIdentifiers(text: string): string {
  return text
    .replace(/https?:\/\/\S+|www\.\S+/gi, '[link]')
    .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '[e-mail]')
    .replace(/\b[1-9]\d{3}\s?([A-Za-z]{2})\b/g, (m, letters: string) => (POSTCODE_NOT.has(letters.toLowerCase()) ? m : '[postcode]'))
    .replace(/\+?\d[\d\s-]{5,}\d/g, '[number]');
}

/** ISO 8601 week of a YYYY-MM-DD day, e.g. 2026-W47. */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - dow);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export async function buildExtraReport(
  store: Pick<Store, 'counters' | 'topUnmatched'>,
  opts: { now: number; days: number; top?: number },
): Promise<ExtraReport> {
  const since = opts.now - opts.days * 86_400_000;
  const rows = new Map<string, HelpfulnessRow>();
  const row = (topic: string, locale: string) => {
    const k = `${topic}|${locale}`;
    let r = rows.get(k);
    if (!r) {
      r = { topic, locale, views: 0, up: 0, down: 0, helpful: null, versions: {} };
      rows.set(k, r);
    }
    return r;
  };
  for (const c of await store.counters('topic_view', since)) {
    const [topic, locale] = c.key.split('|');
    if (topic && locale) row(topic, locale).views += c.count;
  }
  for (const c of await store.counters('feedback', since)) {
    const [topic, locale, version, vote] = c.key.split('|');
    if (!topic || !locale || !version || (vote !== 'up' && vote !== 'down')) continue;
    const r = row(topic, locale);
    r[vote] += c.count;
    const v = (r.versions[version] ??= { up: 0, down: 0 });
    v[vote] += c.count;
  }
  const helpfulness = [...rows.values()]
    .map((r) => ({ ...r, helpful: r.up + r.down ? Math.round((r.up / (r.up + r.down)) * 100) / 100 : null }))
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.locale.localeCompare(b.locale));
  // Scrubbing can make two texts equal; merge them again.
  const merged = new Map<string, { locale: string; text: string; count: number }>();
  for (const u of await store.topUnmatched(since, opts.top ?? 10)) {
    const text = scrubIdentifiers(u.text);
    const k = `${u.locale}\u0000${text}`;
    const m = merged.get(k) ?? { locale: u.locale, text, count: 0 };
    m.count += u.count;
    merged.set(k, m);
  }
  const unanswered = [...merged.values()].sort((a, b) => a.locale.localeCompare(b.locale) || b.count - a.count || a.text.localeCompare(b.text));
  const weeks = new Map<string, { week: string; locale: string; count: number }>();
  for (const c of await store.counters('crisis', since)) {
    const week = isoWeek(c.day);
    const k = `${week}|${c.key}`;
    const w = weeks.get(k) ?? { week, locale: c.key, count: 0 };
    w.count += c.count;
    weeks.set(k, w);
  }
  const crisisPerWeek = [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week) || a.locale.localeCompare(b.locale));
  return { days: opts.days, since: new Date(since).toISOString().slice(0, 10), helpfulness, unanswered, crisisPerWeek };
}

/** True when a database is configured or the SQLite file exists, so `content report` can include usage. */
export function usageAvailable(): boolean {
  const config = cliConfig();
  return Boolean(config.DATABASE_URL) || existsSync(join(resolve(config.DATA_DIR), 'wegwijs.sqlite'));
}

export async function extraReport(args: string[]): Promise<ExtraReport> {
  const config = cliConfig();
  const days = Math.max(1, Math.min(3650, Number(argValue(args, '--days') ?? 30) || 30));
  const top = Math.max(1, Math.min(100, Number(argValue(args, '--top') ?? 10) || 10));
  const store = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: resolve(config.DATA_DIR) });
  try {
    return await buildExtraReport(store, { now: Date.now(), days, top });
  } finally {
    await store.close();
  }
}

export function formatExtra(e: ExtraReport): string {
  const lines = [`Usage since ${e.since} (last ${e.days} days); counts only, no identifiers.`, '', 'Helpfulness per topic and locale:'];
  lines.push('  topic                      locale  views     👍     👎  helpful');
  for (const h of e.helpfulness) {
    const pct = h.helpful === null ? '      -' : `${String(Math.round(h.helpful * 100)).padStart(6)}%`;
    lines.push(`  ${h.topic.padEnd(26)} ${h.locale.padEnd(6)} ${String(h.views).padStart(6)} ${String(h.up).padStart(6)} ${String(h.down).padStart(6)} ${pct}`);
  }
  if (!e.helpfulness.length) lines.push('  (none yet)');
  lines.push('', 'Most frequent unanswered questions per locale:');
  let locale = '';
  for (const u of e.unanswered) {
    if (u.locale !== locale) lines.push(`  ${(locale = u.locale)}:`);
    lines.push(`    ${String(u.count).padStart(4)}  ${u.text}`);
  }
  if (!e.unanswered.length) lines.push('  (none)');
  lines.push('', 'Crisis cards shown per week and locale:');
  for (const c of e.crisisPerWeek) lines.push(`  ${c.week}  ${c.locale.padEnd(4)} ${String(c.count).padStart(5)}`);
  if (!e.crisisPerWeek.length) lines.push('  (none)');
  return lines.join('\n');
}
