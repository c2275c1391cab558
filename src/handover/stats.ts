/**
 * Coordinator statistics: counts per locale, region, outcome and week, the median time to claim, and the waits that
 * got no answer. Built from conversation metadata only: never message contents, notes or user keys.
 */
import type { ConversationRow, HandoverStore } from '../core/handover-port.ts';

export interface HandoverStats {
  sinceMs: number;
  total: number;
  byLocale: Record<string, number>;
  byRegion: Record<string, number>;
  byOutcome: Record<string, number>;
  byWeek: Record<string, number>;
  byStatus: Record<string, number>;
  crisis: number;
  claimed: number;
  medianClaimMinutes: number | null;
  /** Expired without a helper, plus those that stopped waiting themselves. */
  unanswered: { expired: number; userStopped: number; waitingNow: number; oldestWaitMinutes: number | null };
  ratings: Record<string, number>;
}

/** ISO-8601 week, e.g. 2026-W47 (UTC). */
export function isoWeek(ms: number): string {
  const src = new Date(ms);
  const d = new Date(Date.UTC(src.getUTCFullYear(), src.getUTCMonth(), src.getUTCDate()));
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const bump = (o: Record<string, number>, k: string) => void (o[k] = (o[k] ?? 0) + 1);

export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function computeStats(rows: ConversationRow[], now: number, sinceMs: number): HandoverStats {
  const s: HandoverStats = {
    sinceMs,
    total: rows.length,
    byLocale: {},
    byRegion: {},
    byOutcome: {},
    byWeek: {},
    byStatus: {},
    crisis: 0,
    claimed: 0,
    medianClaimMinutes: null,
    unanswered: { expired: 0, userStopped: 0, waitingNow: 0, oldestWaitMinutes: null },
    ratings: {},
  };
  const claimTimes: number[] = [];
  for (const c of rows) {
    bump(s.byLocale, c.locale);
    bump(s.byRegion, c.province ?? '(none)');
    bump(s.byWeek, isoWeek(c.createdAt));
    bump(s.byStatus, c.status);
    if (c.outcome) bump(s.byOutcome, c.outcome);
    if (c.priority === 'crisis') s.crisis++;
    if (c.rating !== null) bump(s.ratings, String(c.rating));
    if (c.claimedAt !== null) {
      s.claimed++;
      claimTimes.push((c.claimedAt - c.createdAt) / 60_000);
    }
    if (c.status === 'expired') s.unanswered.expired++;
    if (c.status === 'closed' && c.closedBy === 'user' && c.claimedAt === null) s.unanswered.userStopped++;
    if (c.status === 'waiting') {
      s.unanswered.waitingNow++;
      const w = (now - c.createdAt) / 60_000;
      s.unanswered.oldestWaitMinutes = Math.max(s.unanswered.oldestWaitMinutes ?? 0, Math.round(w));
    }
  }
  const m = median(claimTimes);
  s.medianClaimMinutes = m === null ? null : Math.round(m * 10) / 10;
  return s;
}

export async function loadStats(store: HandoverStore, now: number, weeks = 12): Promise<HandoverStats> {
  const since = now - weeks * 7 * 86_400_000;
  return computeStats(await store.listConversations({ sinceMs: since }), now, since);
}
