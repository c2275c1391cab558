/**
 * Handover conversations, their messages and durable timers over the shared SQL driver (SQLite and PostgreSQL).
 * Helper accounts, sessions, consent and audit live in `helper-sql.ts`.
 */
import type { ConversationMessage, ConversationPatch, ConversationRow, HandoverStore, SelfCheckShare } from '../core/handover-port.ts';
import type { ChannelName } from '../core/messages.ts';
import type { SqlDriver, SqlValue } from './driver.ts';

type Row = Record<string, string | number | bigint | null>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** Shared self-check answers from their JSON column; anything malformed reads as "not shared". */
export function parseSelfCheck(raw: unknown): SelfCheckShare | null {
  if (raw === null || raw === undefined) return null;
  try {
    const v = JSON.parse(String(raw)) as Partial<SelfCheckShare> | null;
    if (!v || typeof v.questionnaire !== 'string' || typeof v.yes !== 'number' || !v.answers || typeof v.answers !== 'object') return null;
    const answers: Record<string, boolean> = {};
    for (const [k, a] of Object.entries(v.answers)) if (typeof a === 'boolean') answers[k] = a;
    return { questionnaire: v.questionnaire, yes: v.yes, answers };
  } catch {
    return null;
  }
}

function toConversation(r: Row): ConversationRow {
  let topics: ConversationRow['topics'] = [];
  try {
    const parsed = JSON.parse(String(r.topics)) as unknown;
    if (Array.isArray(parsed)) topics = parsed as ConversationRow['topics'];
  } catch {
    topics = [];
  }
  return {
    id: String(r.id),
    userKey: str(r.user_key),
    channel: String(r.channel) as ChannelName,
    locale: String(r.locale),
    municipality: str(r.municipality),
    province: str(r.province),
    genderPreference: str(r.gender_pref) as ConversationRow['genderPreference'],
    note: str(r.note),
    priority: r.priority === 'crisis' ? 'crisis' : 'normal',
    status: String(r.status) as ConversationRow['status'],
    helperId: str(r.helper_id),
    createdAt: Number(r.created_at),
    claimedAt: num(r.claimed_at),
    closedAt: num(r.closed_at),
    updatedAt: Number(r.updated_at),
    outcome: str(r.outcome) as ConversationRow['outcome'],
    closedBy: str(r.closed_by) as ConversationRow['closedBy'],
    rating: num(r.rating),
    consentVersion: String(r.consent_version),
    topics,
    contentVersion: String(r.content_version),
    selfCheck: parseSelfCheck(r.self_check),
  };
}

function toMessage(r: Row): ConversationMessage {
  return {
    id: Number(r.id),
    conversationId: String(r.conversation_id),
    at: Number(r.at),
    sender: String(r.sender) as ConversationMessage['sender'],
    helperId: str(r.helper_id),
    kind: String(r.kind) as ConversationMessage['kind'],
    text: str(r.text),
    mediaType: str(r.media_type),
    mediaRef: str(r.media_ref),
    topicId: str(r.topic_id),
    contentVersion: str(r.content_version),
    topicRevision: str(r.topic_revision),
    lang: str(r.lang),
  };
}

const PATCH_COLUMNS: Record<keyof ConversationPatch, string> = {
  status: 'status',
  helperId: 'helper_id',
  priority: 'priority',
  claimedAt: 'claimed_at',
  closedAt: 'closed_at',
  updatedAt: 'updated_at',
  outcome: 'outcome',
  closedBy: 'closed_by',
  rating: 'rating',
};

type ConversationStore = Pick<
  HandoverStore,
  | 'createConversation'
  | 'getConversation'
  | 'openConversationFor'
  | 'listConversations'
  | 'conversationCounts'
  | 'claimConversation'
  | 'updateConversation'
  | 'appendMessage'
  | 'listMessages'
  | 'purgeConversations'
  | 'scheduleTimer'
  | 'cancelTimers'
  | 'dueTimers'
  | 'takeTimer'
  | 'completeTimer'
>;

export function createConversationSql(db: SqlDriver): ConversationStore {
  return {
    async createConversation(c) {
      await db.run(
        `INSERT INTO handover_conversations (id, user_key, channel, locale, municipality, province, gender_pref, note, priority, status,
         helper_id, created_at, claimed_at, closed_at, updated_at, outcome, closed_by, rating, consent_version, topics, content_version, self_check)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          c.id,
          c.userKey,
          c.channel,
          c.locale,
          c.municipality,
          c.province,
          c.genderPreference,
          c.note,
          c.priority,
          c.status,
          c.helperId,
          c.createdAt,
          c.claimedAt,
          c.closedAt,
          c.updatedAt,
          c.outcome,
          c.closedBy,
          c.rating,
          c.consentVersion,
          JSON.stringify(c.topics),
          c.contentVersion,
          c.selfCheck ? JSON.stringify(c.selfCheck) : null,
        ],
      );
    },
    async getConversation(id) {
      const r = (await db.query<Row>('SELECT * FROM handover_conversations WHERE id = ?', [id]))[0];
      return r ? toConversation(r) : undefined;
    },
    async openConversationFor(userKey) {
      const rows = await db.query<Row>(
        "SELECT * FROM handover_conversations WHERE user_key = ? AND status IN ('waiting', 'active') ORDER BY created_at DESC LIMIT 1",
        [userKey],
      );
      return rows[0] ? toConversation(rows[0]) : undefined;
    },
    async listConversations(filter) {
      const where: string[] = [];
      const params: SqlValue[] = [];
      if (filter.status?.length) {
        where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
        params.push(...filter.status);
      }
      if (filter.helperId) {
        where.push('helper_id = ?');
        params.push(filter.helperId);
      }
      if (filter.sinceMs !== undefined) {
        where.push('created_at >= ?');
        params.push(filter.sinceMs);
      }
      const sql = `SELECT * FROM handover_conversations${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at ASC, id ASC`;
      return (await db.query<Row>(sql, params)).map(toConversation);
    },
    async conversationCounts() {
      const rows = await db.query<{ status: string; n: number | string }>(
        "SELECT status, COUNT(*) AS n FROM handover_conversations WHERE status IN ('waiting', 'active') GROUP BY status",
      );
      const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
      return { waiting: n('waiting'), active: n('active') };
    },
    async claimConversation(id, helperId, at) {
      const n = await db.run(
        "UPDATE handover_conversations SET status = 'active', helper_id = ?, claimed_at = COALESCE(claimed_at, ?), updated_at = ? WHERE id = ? AND status = 'waiting'",
        [helperId, at, at, id],
      );
      return n === 1;
    },
    async updateConversation(id, patch, onlyIf) {
      const sets: string[] = [];
      const params: SqlValue[] = [];
      for (const [k, col] of Object.entries(PATCH_COLUMNS) as [keyof ConversationPatch, string][]) {
        if (!(k in patch)) continue;
        sets.push(`${col} = ?`);
        params.push((patch[k] ?? null) as SqlValue);
      }
      if (!sets.length) return false;
      params.push(id);
      let sql = `UPDATE handover_conversations SET ${sets.join(', ')} WHERE id = ?`;
      if (onlyIf?.length) {
        sql += ` AND status IN (${onlyIf.map(() => '?').join(', ')})`;
        params.push(...onlyIf);
      }
      return (await db.run(sql, params)) > 0;
    },
    async appendMessage(m) {
      const rows = await db.query<{ id: number | string }>(
        `INSERT INTO handover_messages (conversation_id, at, sender, helper_id, kind, text, media_type, media_ref, topic_id, content_version,
         topic_revision, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [m.conversationId, m.at, m.sender, m.helperId, m.kind, m.text, m.mediaType, m.mediaRef, m.topicId, m.contentVersion, m.topicRevision, m.lang],
      );
      return Number(rows[0]?.id ?? 0);
    },
    async listMessages(conversationId, afterId = 0) {
      const rows = await db.query<Row>('SELECT * FROM handover_messages WHERE conversation_id = ? AND id > ? ORDER BY id ASC', [conversationId, afterId]);
      return rows.map(toMessage);
    },
    async purgeConversations(before) {
      const ids = await db.query<{ id: string }>(
        "SELECT id FROM handover_conversations WHERE status IN ('closed', 'expired') AND closed_at < ? AND user_key IS NOT NULL",
        [before],
      );
      for (const { id } of ids) {
        await db.run('DELETE FROM handover_messages WHERE conversation_id = ?', [id]);
        await db.run('UPDATE handover_conversations SET user_key = NULL, note = NULL, topics = ?, self_check = NULL WHERE id = ?', ['[]', id]);
      }
      return ids.length;
    },
    async scheduleTimer(t) {
      await db.run(
        `INSERT INTO handover_timers (id, conversation_id, kind, due_at, lease_until) VALUES (?, ?, ?, ?, NULL)
         ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, lease_until = NULL`,
        [t.id, t.conversationId, t.kind, t.dueAt],
      );
    },
    async cancelTimers(conversationId) {
      await db.run('DELETE FROM handover_timers WHERE conversation_id = ?', [conversationId]);
    },
    async dueTimers(now, limit) {
      const rows = await db.query<Row>(
        'SELECT id, conversation_id, kind, due_at FROM handover_timers WHERE due_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY due_at LIMIT ?',
        [now, now, limit],
      );
      return rows.map((r) => ({
        id: String(r.id),
        conversationId: String(r.conversation_id),
        kind: r.kind === 'expire' ? 'expire' : 'update',
        dueAt: Number(r.due_at),
      }));
    },
    async takeTimer(id, now, leaseMs) {
      const n = await db.run('UPDATE handover_timers SET lease_until = ? WHERE id = ? AND due_at <= ? AND (lease_until IS NULL OR lease_until < ?)', [
        now + leaseMs,
        id,
        now,
        now,
      ]);
      return n === 1;
    },
    async completeTimer(id) {
      await db.run('DELETE FROM handover_timers WHERE id = ? AND lease_until IS NOT NULL', [id]);
    },
  };
}

/** Statements that `forgetUser` runs inside its transaction, before deleting the user's sessions. */
export async function forgetHandoverData(tx: SqlDriver, userKey: string, now: number): Promise<void> {
  const open = await tx.query<{ id: string; helper_id: string | null }>(
    "SELECT id, helper_id FROM handover_conversations WHERE user_key = ? AND status IN ('waiting', 'active')",
    [userKey],
  );
  // A neutral trace for the helper: the conversation was removed at the user's request (no contents, no user key).
  for (const c of open) {
    await tx.run('INSERT INTO handover_audit (at, helper_id, action, conversation_id, detail) VALUES (?, ?, ?, ?, ?)', [
      now,
      c.helper_id,
      'forgotten',
      c.id,
      null,
    ]);
  }
  const sub = 'SELECT id FROM handover_conversations WHERE user_key = ?';
  await tx.run(`DELETE FROM handover_messages WHERE conversation_id IN (${sub})`, [userKey]);
  await tx.run(`DELETE FROM handover_timers WHERE conversation_id IN (${sub})`, [userKey]);
  await tx.run('DELETE FROM handover_conversations WHERE user_key = ?', [userKey]);
  await tx.run('DELETE FROM handover_consents WHERE user_key = ?', [userKey]);
  await tx.run('UPDATE helpers SET telegram_key = NULL WHERE telegram_key = ?', [userKey]);
}
