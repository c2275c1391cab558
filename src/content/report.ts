/**
 * The editors' report: coverage per locale, stale translations, drafts, overdue reviews, topics missing
 * from the menu, and (with a store) unanswered questions, helpfulness and crisis counts — all without identifiers.
 */
import type { ContentSnapshot } from '../core/content-types.ts';

export interface ContentReport {
  version: string;
  topics: number;
  locales: Record<
    string,
    { present: number; missing: string[]; draft: number; reviewed: number; stale: string[]; unstamped: string[]; reviewOverdue: string[] }
  >;
  notInMenu: string[];
  reviewByPassed: string[];
  ids: string[];
}

export function buildReport(s: ContentSnapshot, now: number): ContentReport {
  const ids = [...s.topics.keys()].sort();
  const inMenu = new Set(s.categories.flatMap((c) => c.topics));
  const maxAgeMs = s.reviewMaxAgeDays * 86_400_000;
  const locales: ContentReport['locales'] = {};
  for (const loc of s.locales) {
    const entry = {
      present: 0,
      missing: [] as string[],
      draft: 0,
      reviewed: 0,
      stale: [] as string[],
      unstamped: [] as string[],
      reviewOverdue: [] as string[],
    };
    for (const id of ids) {
      const topic = s.topics.get(id);
      const text = topic?.texts[loc.code];
      if (!topic || !text) {
        entry.missing.push(id);
        continue;
      }
      entry.present++;
      if (text.review.status === 'draft') entry.draft++;
      else entry.reviewed++;
      const source = topic.texts[s.sourceLocale];
      if (loc.code !== s.sourceLocale && source) {
        // No recorded source hash means we cannot tell which Dutch text it was made from: say so, rather than "changed".
        if (!text.review.sourceHash) entry.unstamped.push(id);
        else if (text.review.sourceHash !== source.hash) entry.stale.push(id);
      }
      if (text.review.status === 'reviewed' && text.review.reviewedAt && now - Date.parse(`${text.review.reviewedAt}T00:00:00Z`) > maxAgeMs) {
        entry.reviewOverdue.push(id);
      }
    }
    locales[loc.code] = entry;
  }
  const reviewByPassed = ids.filter((id) => {
    const rb = s.topics.get(id)?.reviewBy;
    return rb ? Date.parse(`${rb}T00:00:00Z`) < now : false;
  });
  return { version: s.version, topics: ids.length, locales, notInMenu: ids.filter((id) => !inMenu.has(id)), reviewByPassed, ids };
}

export function formatReport(r: ContentReport): string {
  const lines = [`content ${r.version}: ${r.topics} topics`, '', 'locale  present  missing  draft  reviewed  stale  unstamped  review-overdue'];
  for (const [code, e] of Object.entries(r.locales)) {
    lines.push(
      `${code.padEnd(6)}  ${String(e.present).padStart(7)}  ${String(e.missing.length).padStart(7)}  ${String(e.draft).padStart(5)}  ${String(e.reviewed).padStart(8)}  ${String(e.stale.length).padStart(5)}  ${String(e.unstamped.length).padStart(9)}  ${String(e.reviewOverdue.length).padStart(14)}`,
    );
  }
  for (const [code, e] of Object.entries(r.locales)) {
    if (e.missing.length) lines.push(`${code}: missing ${e.missing.join(', ')}`);
    if (e.stale.length) lines.push(`${code}: stale (Dutch source changed since translation) ${e.stale.join(', ')}`);
    if (e.unstamped.length)
      lines.push(`${code}: unstamped (source version unknown: check against the Dutch, then \`content stamp\`) ${e.unstamped.join(', ')}`);
    if (e.reviewOverdue.length) lines.push(`${code}: review older than policy ${e.reviewOverdue.join(', ')}`);
  }
  if (r.notInMenu.length) lines.push(`not in the menu: ${r.notInMenu.join(', ')}`);
  if (r.reviewByPassed.length) lines.push(`review_by date passed: ${r.reviewByPassed.join(', ')}`);
  return lines.join('\n');
}

/** True when the report has problems that `--strict` should fail on. */
export function reportHasProblems(r: ContentReport): boolean {
  return (
    r.notInMenu.length > 0 ||
    r.reviewByPassed.length > 0 ||
    Object.values(r.locales).some((e) => e.missing.length || e.stale.length || e.unstamped.length || e.reviewOverdue.length)
  );
}
