/** An in-memory Store for engine tests. It passes the same contract suite as the real stores. */

import type { HandoverStore } from '../../src/core/handover-port.ts';
import type { ChannelName } from '../../src/core/messages.ts';
import type { SessionRow, Store, TranscriptEntry } from '../../src/core/ports.ts';
import { createMemoryHandover } from './memory-handover.ts';
import { createMemoryIntake } from './memory-intake.ts';

export function createMemoryStore(): Store & HandoverStore & { sessions: Map<string, SessionRow> } {
  const sessions = new Map<string, SessionRow>();
  const processed = new Map<string, { at: number; userKey: string | null }>();
  const transcripts: TranscriptEntry[] = [];
  const unmatched: { locale: string; text: string; at: number }[] = [];
  const counters = new Map<string, number>();
  const addresses = new Map<string, { channel: ChannelName; address: string; at: number }>();
  const jobs = new Map<string, { lastRun: number; owner: string }>();
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const { forget: forgetIntake, purge: purgeIntake, ...intake } = createMemoryIntake();
  const { forget: forgetHandover, purgeConsents, purgeHelperSessions, ...handover } = createMemoryHandover();
  return {
    sessions,
    ...intake,
    ...handover,
    async getSession(k) {
      const r = sessions.get(k);
      return r ? { ...r } : undefined;
    },
    async saveSession(r) {
      sessions.set(r.userKey, { ...r });
    },
    async deleteSession(k) {
      sessions.delete(k);
    },
    async markProcessed(key, at, userKey) {
      if (processed.has(key)) return false;
      processed.set(key, { at, userKey: userKey ?? null });
      return true;
    },
    async appendTranscript(e) {
      transcripts.push({ conversationId: null, topicId: null, contentVersion: null, topicRevision: null, text: null, ...e });
    },
    async listTranscript(k, limit = 200) {
      return transcripts.filter((e) => e.userKey === k).slice(-limit);
    },
    async recordUnmatched(locale, text, at) {
      unmatched.push({ locale, text, at });
    },
    async topUnmatched(since, limit) {
      const counts = new Map<string, { locale: string; text: string; count: number }>();
      for (const u of unmatched.filter((x) => x.at >= since)) {
        const k = `${u.locale}\u0000${u.text}`;
        const c = counts.get(k) ?? { locale: u.locale, text: u.text, count: 0 };
        c.count++;
        counts.set(k, c);
      }
      const sorted = [...counts.values()].sort((a, b) => a.locale.localeCompare(b.locale) || b.count - a.count || (a.text < b.text ? -1 : 1));
      const per = new Map<string, number>();
      return sorted.filter((r) => {
        const n = per.get(r.locale) ?? 0;
        per.set(r.locale, n + 1);
        return n < limit;
      });
    },
    async incrementCounter(name, key, at) {
      const k = `${name}\u0000${key}\u0000${day(at)}`;
      counters.set(k, (counters.get(k) ?? 0) + 1);
    },
    async counters(name, since) {
      return [...counters.entries()]
        .map(([k, count]) => {
          const [n, key, d] = k.split('\u0000');
          return { n, key: key ?? '', day: d ?? '', count };
        })
        .filter((r) => r.n === name && r.day >= day(since))
        .sort((a, b) => a.day.localeCompare(b.day) || a.key.localeCompare(b.key))
        .map(({ key, day: d, count }) => ({ key, day: d, count }));
    },
    async saveAddress(k, channel, address, at) {
      addresses.set(k, { channel, address, at });
    },
    async getAddress(k) {
      const a = addresses.get(k);
      return a ? { channel: a.channel, address: a.address } : undefined;
    },
    async forgetUser(k) {
      sessions.delete(k);
      addresses.delete(k);
      for (let i = transcripts.length - 1; i >= 0; i--) if (transcripts[i]?.userKey === k) transcripts.splice(i, 1);
      for (const [key, p] of processed) if (p.userKey === k) processed.delete(key);
      forgetIntake(k);
      forgetHandover(k, Date.now());
    },
    async claimJob(name, periodMs, now, owner) {
      const last = jobs.get(name);
      if (last && last.lastRun > now - periodMs) return false;
      jobs.set(name, { lastRun: now, owner });
      return true;
    },
    async purgeExpired(c) {
      const conversationsBefore = new Map<string, boolean>();
      const closedLongAgo = async (id: string) => {
        let v = conversationsBefore.get(id);
        if (v === undefined) {
          const conv = await handover.getConversation(id);
          v = !conv || (conv.closedAt !== null && conv.closedAt < c.transcriptsBefore);
          conversationsBefore.set(id, v);
        }
        return v;
      };
      let removed = 0;
      for (let i = transcripts.length - 1; i >= 0; i--) {
        const e = transcripts[i];
        if (!e || e.at >= c.transcriptsBefore) continue;
        if (e.conversationId && !(await closedLongAgo(e.conversationId))) continue;
        transcripts.splice(i, 1);
        removed++;
      }
      const before = unmatched.length;
      for (let i = unmatched.length - 1; i >= 0; i--) if ((unmatched[i]?.at ?? 0) < c.unmatchedBefore) unmatched.splice(i, 1);
      let dedupe = 0;
      for (const [key, p] of processed) {
        if (p.at < c.dedupeBefore) {
          processed.delete(key);
          dedupe++;
        }
      }
      const consents = purgeConsents(c.transcriptsBefore);
      const { intake: rows, outbound, held } = purgeIntake(c.dedupeBefore, c.transcriptsBefore);
      const helperSessions = purgeHelperSessions(c.dedupeBefore);
      return { transcripts: removed, consents, held, unmatched: before - unmatched.length, processed: dedupe, intake: rows, outbound, helperSessions };
    },
    async idleUsers(before, limit) {
      const keys = new Set<string>();
      for (const s of sessions.values()) if (s.updatedAt < before) keys.add(s.userKey);
      for (const [k, a] of addresses) if (a.at < before && !sessions.has(k)) keys.add(k);
      const out: string[] = [];
      for (const k of [...keys].sort()) {
        if (out.length >= limit) break;
        if (!(await handover.openConversationFor(k))) out.push(k);
      }
      return out;
    },
    async ping() {
      return true;
    },
    async close() {},
  };
}
