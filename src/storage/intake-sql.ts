/**
 * SQL for the durable channel intake (WhatsApp): queue rows, outbound message records with statuses, contact
 * times for the 24-hour reply window, and messages held until the user writes again. Portable SQL for SQLite
 * and PostgreSQL; spread into the store by `createSqlStore`.
 */
import type { ChannelName } from '../core/messages.ts';
import type { IntakeItem, IntakePatch, OutboundRecord, OutboundStatus, Store } from '../core/ports.ts';
import type { SqlDriver, SqlValue } from './driver.ts';

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

/** Status order: a late "delivered" never overwrites "read"; "failed" always wins. */
export const STATUS_RANK: Record<OutboundStatus, number> = { sent: 1, delivered: 2, read: 3, failed: 9 };

type Row = Record<string, string | number | null>;
const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toItem(r: Row): IntakeItem {
  return {
    id: num(r.id),
    channel: String(r.channel) as ChannelName,
    messageId: String(r.message_id),
    userKey: String(r.user_key),
    kind: String(r.kind) as IntakeItem['kind'],
    payload: String(r.payload ?? ''),
    outbound: (r.outbound as string | null) ?? null,
    state: String(r.state) as IntakeItem['state'],
    sent: num(r.sent),
    attempts: num(r.attempts),
    receivedAt: num(r.received_at),
    notBefore: num(r.not_before),
  };
}

function toRecord(r: Row): OutboundRecord {
  return {
    channel: String(r.channel) as ChannelName,
    messageId: String(r.message_id),
    userKey: String(r.user_key),
    status: String(r.status) as OutboundStatus,
    errorCode: (r.error_code as string | null) ?? null,
    payload: (r.payload as string | null) ?? null,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

/** Deletes a user's rows from the intake tables (called inside `forgetUser`'s transaction). Unfinished queue rows stay. */
export async function forgetIntake(tx: SqlDriver, userKey: string): Promise<void> {
  await tx.run("DELETE FROM intake WHERE user_key = ? AND state IN ('done', 'failed')", [userKey]);
  await tx.run('DELETE FROM outbound_messages WHERE user_key = ?', [userKey]);
  await tx.run('DELETE FROM channel_contacts WHERE user_key = ?', [userKey]);
  await tx.run('DELETE FROM held_messages WHERE user_key = ?', [userKey]);
}

export function createIntakeSql(db: SqlDriver): IntakeMethods {
  const getOutbound = async (channel: ChannelName, messageId: string) => {
    const rows = await db.query<Row>('SELECT * FROM outbound_messages WHERE channel = ? AND message_id = ?', [channel, messageId]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  };
  return {
    async intakeAdd(i) {
      const n = await db.run(
        `INSERT INTO intake (channel, message_id, user_key, kind, payload, outbound, state, sent, attempts, received_at, not_before, lease_until)
         VALUES (?, ?, ?, ?, ?, NULL, 'new', 0, 0, ?, ?, NULL) ON CONFLICT (channel, message_id) DO NOTHING`,
        [i.channel, i.messageId, i.userKey, i.kind, i.payload, i.at, i.at],
      );
      return n === 1;
    },
    async intakeClaim(channel, now, leaseMs, limit) {
      // Per user only the oldest unfinished row is a candidate, so one user's messages never overtake each other.
      const candidates = await db.query<{ id: number | string }>(
        `SELECT i.id FROM intake i
         WHERE i.channel = ? AND i.state IN ('new', 'ready') AND i.not_before <= ? AND (i.lease_until IS NULL OR i.lease_until < ?)
           AND NOT EXISTS (SELECT 1 FROM intake j WHERE j.user_key = i.user_key AND j.channel = i.channel AND j.id < i.id AND j.state IN ('new', 'ready'))
         ORDER BY i.id LIMIT ?`,
        [channel, now, now, limit],
      );
      const claimed: IntakeItem[] = [];
      for (const c of candidates) {
        const ok = await db.run("UPDATE intake SET lease_until = ? WHERE id = ? AND state IN ('new', 'ready') AND (lease_until IS NULL OR lease_until < ?)", [
          now + leaseMs,
          c.id,
          now,
        ]);
        if (ok !== 1) continue;
        const rows = await db.query<Row>('SELECT * FROM intake WHERE id = ?', [c.id]);
        if (rows[0]) claimed.push(toItem(rows[0]));
      }
      return claimed;
    },
    async intakeUpdate(id, patch: IntakePatch) {
      const sets: string[] = [];
      const params: SqlValue[] = [];
      const set = (col: string, v: SqlValue) => {
        sets.push(`${col} = ?`);
        params.push(v);
      };
      if (patch.state !== undefined) set('state', patch.state);
      if (patch.outbound !== undefined) set('outbound', patch.outbound);
      if (patch.sent !== undefined) set('sent', patch.sent);
      if (patch.attempts !== undefined) set('attempts', patch.attempts);
      if (patch.notBefore !== undefined) set('not_before', patch.notBefore);
      if (patch.release || patch.state === 'done' || patch.state === 'failed') sets.push('lease_until = NULL');
      if (patch.state === 'done' || patch.state === 'failed') sets.push("payload = ''", 'outbound = NULL');
      if (!sets.length) return;
      await db.run(`UPDATE intake SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
    },
    async intakeCounts(channel) {
      const rows = await db.query<{ state: string; n: number | string }>('SELECT state, COUNT(*) AS n FROM intake WHERE channel = ? GROUP BY state', [channel]);
      const out = { new: 0, ready: 0, done: 0, failed: 0 };
      for (const r of rows) if (r.state in out) out[r.state as keyof typeof out] = Number(r.n);
      return out;
    },
    async intakePrune(channel, before) {
      let n = await db.run("DELETE FROM intake WHERE channel = ? AND state IN ('done', 'failed') AND received_at < ?", [channel, before]);
      n += await db.run('DELETE FROM outbound_messages WHERE channel = ? AND created_at < ?', [channel, before]);
      n += await db.run('DELETE FROM held_messages WHERE channel = ? AND at < ?', [channel, before]);
      return n;
    },
    async outboundRecord(r) {
      await db.run(
        `INSERT INTO outbound_messages (channel, message_id, user_key, status, status_rank, error_code, payload, created_at, updated_at)
         VALUES (?, ?, ?, 'sent', ?, NULL, ?, ?, ?) ON CONFLICT (channel, message_id) DO NOTHING`,
        [r.channel, r.messageId, r.userKey, STATUS_RANK.sent, r.payload, r.at, r.at],
      );
    },
    async outboundStatus(channel, messageId, status, at, errorCode = null) {
      const rank = STATUS_RANK[status];
      const clear = status === 'delivered' || status === 'read';
      await db.run(
        `UPDATE outbound_messages SET status = ?, status_rank = ?, error_code = ?, updated_at = ?${clear ? ', payload = NULL' : ''}
         WHERE channel = ? AND message_id = ? AND status_rank < ?`,
        [status, rank, errorCode, at, channel, messageId, rank],
      );
      return getOutbound(channel, messageId);
    },
    getOutbound,
    async contactNote(userKey, channel, what, at) {
      const col = what === 'inbound' ? 'last_inbound_at' : 'template_at';
      await db.run(
        `INSERT INTO channel_contacts (user_key, channel, ${col}) VALUES (?, ?, ?)
         ON CONFLICT (user_key, channel) DO UPDATE SET ${col} =
           CASE WHEN channel_contacts.${col} IS NULL OR excluded.${col} > channel_contacts.${col} THEN excluded.${col} ELSE channel_contacts.${col} END`,
        [userKey, channel, at],
      );
    },
    async contactTimes(userKey, channel) {
      const rows = await db.query<Row>('SELECT last_inbound_at, template_at FROM channel_contacts WHERE user_key = ? AND channel = ?', [userKey, channel]);
      const r = rows[0];
      return r ? { lastInboundAt: numOrNull(r.last_inbound_at), templateAt: numOrNull(r.template_at) } : undefined;
    },
    async holdMessage(userKey, channel, payload, at) {
      await db.run('INSERT INTO held_messages (user_key, channel, payload, at) VALUES (?, ?, ?, ?)', [userKey, channel, payload, at]);
    },
    async listHeld(userKey, channel) {
      const rows = await db.query<Row>('SELECT id, payload, at FROM held_messages WHERE user_key = ? AND channel = ? ORDER BY at, id', [userKey, channel]);
      return rows.map((r) => ({ id: num(r.id), payload: String(r.payload), at: num(r.at) }));
    },
    async deleteHeld(ids) {
      for (const id of ids) await db.run('DELETE FROM held_messages WHERE id = ?', [id]);
    },
  };
}
