/** In-memory channel intake for the memory store; passes the same contract suite as the SQL version. */
import type { IntakeItem, OutboundRecord, Store } from '../../src/core/ports.ts';
import { STATUS_RANK } from '../../src/storage/intake-sql.ts';

type IntakeMethods = Pick<
  Store,
  | 'intakeAdd'
  | 'intakeClaim'
  | 'intakeUpdate'
  | 'intakeCounts'
  | 'intakePrune'
  | 'outboundRecord'
  | 'outboundStatus'
  | 'getOutbound'
  | 'contactNote'
  | 'contactTimes'
  | 'holdMessage'
  | 'listHeld'
  | 'deleteHeld'
>;

export interface MemoryIntakeExtras {
  forget(userKey: string): void;
  /** Retention: finished rows and outbound records before `dedupeBefore`, held messages before `heldBefore`. */
  purge(dedupeBefore: number, heldBefore: number): { intake: number; outbound: number; held: number };
}

export function createMemoryIntake(): IntakeMethods & MemoryIntakeExtras {
  const rows: (IntakeItem & { leaseUntil: number | null })[] = [];
  const outbound = new Map<string, OutboundRecord>();
  const contacts = new Map<string, { lastInboundAt: number | null; templateAt: number | null }>();
  const held: { id: number; userKey: string; channel: string; payload: string; at: number }[] = [];
  let nextId = 1;
  let nextHeld = 1;
  const open = (r: IntakeItem) => r.state === 'new' || r.state === 'ready';
  const strip = ({ leaseUntil: _l, ...item }: IntakeItem & { leaseUntil: number | null }): IntakeItem => ({ ...item });
  return {
    async intakeAdd(i) {
      if (rows.some((r) => r.channel === i.channel && r.messageId === i.messageId)) return false;
      rows.push({
        id: nextId++,
        channel: i.channel,
        messageId: i.messageId,
        userKey: i.userKey,
        kind: i.kind,
        payload: i.payload,
        outbound: null,
        state: 'new',
        sent: 0,
        attempts: 0,
        receivedAt: i.at,
        notBefore: i.at,
        leaseUntil: null,
      });
      return true;
    },
    async intakeClaim(channel, now, leaseMs, limit) {
      const out: IntakeItem[] = [];
      for (const r of rows) {
        if (out.length >= limit) break;
        if (r.channel !== channel || !open(r) || r.notBefore > now || (r.leaseUntil !== null && r.leaseUntil >= now)) continue;
        if (rows.some((j) => j.userKey === r.userKey && j.channel === r.channel && j.id < r.id && open(j))) continue;
        r.leaseUntil = now + leaseMs;
        out.push(strip(r));
      }
      return out;
    },
    async intakeUpdate(id, p) {
      const r = rows.find((x) => x.id === id);
      if (!r) return;
      if (p.state !== undefined) r.state = p.state;
      if (p.outbound !== undefined) r.outbound = p.outbound;
      if (p.sent !== undefined) r.sent = p.sent;
      if (p.attempts !== undefined) r.attempts = p.attempts;
      if (p.notBefore !== undefined) r.notBefore = p.notBefore;
      if (p.release || p.state === 'done' || p.state === 'failed') r.leaseUntil = null;
      if (p.state === 'done' || p.state === 'failed') {
        r.payload = '';
        r.outbound = null;
      }
    },
    async intakeCounts(channel) {
      const c = { new: 0, ready: 0, done: 0, failed: 0 };
      for (const r of rows) if (r.channel === channel) c[r.state]++;
      return c;
    },
    async intakePrune(channel, before) {
      let n = 0;
      for (let i = rows.length - 1; i >= 0; i--) {
        const r = rows[i];
        if (r && r.channel === channel && !open(r) && r.receivedAt < before) {
          rows.splice(i, 1);
          n++;
        }
      }
      for (const [k, o] of outbound) {
        if (o.channel === channel && o.createdAt < before) {
          outbound.delete(k);
          n++;
        }
      }
      for (let i = held.length - 1; i >= 0; i--) {
        const h = held[i];
        if (h && h.channel === channel && h.at < before) {
          held.splice(i, 1);
          n++;
        }
      }
      return n;
    },
    async outboundRecord(r) {
      const k = `${r.channel}\u0000${r.messageId}`;
      if (outbound.has(k)) return;
      outbound.set(k, {
        channel: r.channel,
        messageId: r.messageId,
        userKey: r.userKey,
        status: 'sent',
        errorCode: null,
        payload: r.payload,
        createdAt: r.at,
        updatedAt: r.at,
      });
    },
    async outboundStatus(channel, messageId, status, at, errorCode = null) {
      const o = outbound.get(`${channel}\u0000${messageId}`);
      if (!o) return undefined;
      if (STATUS_RANK[o.status] < STATUS_RANK[status]) {
        Object.assign(o, { status, errorCode, updatedAt: at });
        if (status === 'delivered' || status === 'read') o.payload = null;
      }
      return { ...o };
    },
    async getOutbound(channel, messageId) {
      const o = outbound.get(`${channel}\u0000${messageId}`);
      return o ? { ...o } : undefined;
    },
    async contactNote(userKey, channel, what, at) {
      const k = `${userKey}\u0000${channel}`;
      const c = contacts.get(k) ?? { lastInboundAt: null, templateAt: null };
      const field = what === 'inbound' ? 'lastInboundAt' : 'templateAt';
      const cur = c[field];
      if (cur === null || at > cur) c[field] = at;
      contacts.set(k, c);
    },
    async contactTimes(userKey, channel) {
      const c = contacts.get(`${userKey}\u0000${channel}`);
      return c ? { ...c } : undefined;
    },
    async holdMessage(userKey, channel, payload, at) {
      held.push({ id: nextHeld++, userKey, channel, payload, at });
    },
    async listHeld(userKey, channel) {
      return held
        .filter((h) => h.userKey === userKey && h.channel === channel)
        .sort((a, b) => a.at - b.at || a.id - b.id)
        .map(({ id, payload, at }) => ({ id, payload, at }));
    },
    async deleteHeld(ids) {
      for (let i = held.length - 1; i >= 0; i--) if (ids.includes(held[i]?.id ?? -1)) held.splice(i, 1);
    },
    purge(dedupeBefore, heldBefore) {
      const n = { intake: 0, outbound: 0, held: 0 };
      for (let i = rows.length - 1; i >= 0; i--) {
        const r = rows[i];
        if (r && !open(r) && r.receivedAt < dedupeBefore) {
          rows.splice(i, 1);
          n.intake++;
        }
      }
      for (const [k, o] of outbound) {
        if (o.createdAt < dedupeBefore) {
          outbound.delete(k);
          n.outbound++;
        }
      }
      for (let i = held.length - 1; i >= 0; i--) {
        if ((held[i]?.at ?? Number.POSITIVE_INFINITY) < heldBefore) {
          held.splice(i, 1);
          n.held++;
        }
      }
      return n;
    },
    forget(userKey) {
      for (let i = rows.length - 1; i >= 0; i--) {
        const r = rows[i];
        if (r && r.userKey === userKey && !open(r)) rows.splice(i, 1);
      }
      for (const [k, o] of outbound) if (o.userKey === userKey) outbound.delete(k);
      for (const k of contacts.keys()) if (k.startsWith(`${userKey}\u0000`)) contacts.delete(k);
      for (let i = held.length - 1; i >= 0; i--) if (held[i]?.userKey === userKey) held.splice(i, 1);
    },
  };
}
