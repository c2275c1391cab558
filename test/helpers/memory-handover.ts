/** In-memory HandoverStore for tests; passes the same contract suite as the SQL store. */
import type {
  AuditEntry,
  ConsentRecord,
  ConversationMessage,
  ConversationRow,
  HandoverStore,
  HandoverTimer,
  HelperRow,
  HelperSessionRow,
} from '../../src/core/handover-port.ts';

export function createMemoryHandover(): HandoverStore & {
  forget(userKey: string, now: number): void;
  /** Retention: consent given before `before` by users none of whose conversations still holds data. */
  purgeConsents(before: number): number;
  /** Retention: helper sessions and one-time links that expired before `before`. */
  purgeHelperSessions(before: number): number;
} {
  const conversations = new Map<string, ConversationRow>();
  const messages: ConversationMessage[] = [];
  const helpers = new Map<string, HelperRow>();
  const tokens = new Map<string, { helperId: string; purpose: string; expiresAt: number }>();
  const sessions = new Map<string, HelperSessionRow>();
  const audit: (AuditEntry & { seq: number })[] = [];
  const consents: ConsentRecord[] = [];
  const timers = new Map<string, HandoverTimer & { leaseUntil: number | null }>();
  let seq = 0;
  const clone = <T>(v: T): T => structuredClone(v);
  return {
    async createConversation(c) {
      conversations.set(c.id, clone(c));
    },
    async getConversation(id) {
      const c = conversations.get(id);
      return c ? clone(c) : undefined;
    },
    async openConversationFor(userKey) {
      const open = [...conversations.values()].filter((c) => c.userKey === userKey && (c.status === 'waiting' || c.status === 'active'));
      const last = open.sort((a, b) => b.createdAt - a.createdAt)[0];
      return last ? clone(last) : undefined;
    },
    async conversationCounts() {
      const all = [...conversations.values()];
      return { waiting: all.filter((c) => c.status === 'waiting').length, active: all.filter((c) => c.status === 'active').length };
    },
    async listConversations(f) {
      return [...conversations.values()]
        .filter(
          (c) =>
            (!f.status?.length || f.status.includes(c.status)) &&
            (!f.helperId || c.helperId === f.helperId) &&
            (f.sinceMs === undefined || c.createdAt >= f.sinceMs),
        )
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
        .map(clone);
    },
    async claimConversation(id, helperId, at) {
      const c = conversations.get(id);
      if (c?.status !== 'waiting') return false;
      Object.assign(c, { status: 'active', helperId, claimedAt: c.claimedAt ?? at, updatedAt: at });
      return true;
    },
    async updateConversation(id, patch, onlyIf) {
      const c = conversations.get(id);
      if (!c || (onlyIf?.length && !onlyIf.includes(c.status)) || !Object.keys(patch).length) return false;
      Object.assign(c, patch);
      return true;
    },
    async appendMessage(m) {
      const id = ++seq;
      messages.push({ ...clone(m), id });
      return id;
    },
    async listMessages(conversationId, afterId = 0) {
      return messages.filter((m) => m.conversationId === conversationId && m.id > afterId).map(clone);
    },
    async purgeConversations(before) {
      let n = 0;
      for (const c of conversations.values()) {
        if ((c.status === 'closed' || c.status === 'expired') && c.closedAt !== null && c.closedAt < before && c.userKey !== null) {
          for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.conversationId === c.id) messages.splice(i, 1);
          Object.assign(c, { userKey: null, note: null, topics: [], selfCheck: null });
          n++;
        }
      }
      return n;
    },
    async createHelper(h) {
      if ([...helpers.values()].some((x) => x.login === h.login)) throw new Error('duplicate login');
      helpers.set(h.id, clone(h));
    },
    async getHelper(id) {
      const h = helpers.get(id);
      return h ? clone(h) : undefined;
    },
    async getHelperByLogin(login) {
      const h = [...helpers.values()].find((x) => x.login === login);
      return h ? clone(h) : undefined;
    },
    async listHelpers() {
      return [...helpers.values()].sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1)).map(clone);
    },
    async updateHelper(id, patch) {
      const h = helpers.get(id);
      if (!h || !Object.keys(patch).length) return false;
      Object.assign(h, clone(patch));
      return true;
    },
    async saveHelperToken(hash, helperId, purpose, expiresAt) {
      for (const [k, t] of tokens) if (t.helperId === helperId && t.purpose === purpose) tokens.delete(k);
      tokens.set(hash, { helperId, purpose, expiresAt });
    },
    async consumeHelperToken(hash, purpose, now) {
      const t = tokens.get(hash);
      if (!t || t.purpose !== purpose) return undefined;
      tokens.delete(hash);
      return t.expiresAt > now ? t.helperId : undefined;
    },
    async createHelperSession(s) {
      sessions.set(s.idHash, clone(s));
    },
    async getHelperSession(idHash, now) {
      const s = sessions.get(idHash);
      return s && s.expiresAt > now ? clone(s) : undefined;
    },
    async deleteHelperSession(idHash) {
      sessions.delete(idHash);
    },
    async appendAudit(e) {
      audit.push({ ...clone(e), seq: ++seq });
    },
    async listAudit(limit) {
      return [...audit]
        .sort((a, b) => b.at - a.at || b.seq - a.seq)
        .slice(0, limit)
        .map(({ seq: _s, ...e }) => e);
    },
    async recordConsent(c) {
      consents.push(clone(c));
    },
    async listConsents(userKey) {
      return consents.filter((c) => c.userKey === userKey).map(clone);
    },
    async scheduleTimer(t) {
      timers.set(t.id, { ...t, leaseUntil: null });
    },
    async cancelTimers(conversationId) {
      for (const [k, t] of timers) if (t.conversationId === conversationId) timers.delete(k);
    },
    async dueTimers(now, limit) {
      return [...timers.values()]
        .filter((t) => t.dueAt <= now && (t.leaseUntil === null || t.leaseUntil < now))
        .sort((a, b) => a.dueAt - b.dueAt)
        .slice(0, limit)
        .map(({ leaseUntil: _l, ...t }) => t);
    },
    async takeTimer(id, now, leaseMs) {
      const t = timers.get(id);
      if (!t || t.dueAt > now || (t.leaseUntil !== null && t.leaseUntil >= now)) return false;
      t.leaseUntil = now + leaseMs;
      return true;
    },
    async completeTimer(id) {
      if (timers.get(id)?.leaseUntil !== null) timers.delete(id);
    },
    purgeHelperSessions(before) {
      let n = 0;
      for (const [k, s] of sessions) if (s.expiresAt < before && sessions.delete(k)) n++;
      for (const [k, t] of tokens) if (t.expiresAt < before && tokens.delete(k)) n++;
      return n;
    },
    purgeConsents(before) {
      const linked = new Set([...conversations.values()].map((c) => c.userKey).filter((k) => k !== null));
      let n = 0;
      for (let i = consents.length - 1; i >= 0; i--) {
        const c = consents[i];
        if (c && c.at < before && !linked.has(c.userKey)) {
          consents.splice(i, 1);
          n++;
        }
      }
      return n;
    },
    forget(userKey, now) {
      for (const [id, c] of conversations) {
        if (c.userKey !== userKey) continue;
        if (c.status === 'waiting' || c.status === 'active')
          audit.push({ at: now, helperId: c.helperId, action: 'forgotten', conversationId: id, detail: null, seq: ++seq });
        for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.conversationId === id) messages.splice(i, 1);
        for (const [k, t] of timers) if (t.conversationId === id) timers.delete(k);
        conversations.delete(id);
      }
      for (let i = consents.length - 1; i >= 0; i--) if (consents[i]?.userKey === userKey) consents.splice(i, 1);
      for (const h of helpers.values()) if (h.telegramKey === userKey) h.telegramKey = null;
    },
  };
}
