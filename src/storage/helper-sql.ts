/**
 * Helper accounts, one-time tokens, helper sessions, consent records and the audit log over the shared SQL driver.
 */
import type { HandoverStore, HelperPatch, HelperRow } from '../core/handover-port.ts';
import type { SqlDriver, SqlValue } from './driver.ts';

type Row = Record<string, string | number | bigint | null>;
const list = (v: unknown) =>
  String(v ?? '')
    .split(',')
    .filter(Boolean);

function toHelper(r: Row): HelperRow {
  return {
    id: String(r.id),
    login: String(r.login),
    name: String(r.name),
    languages: list(r.languages),
    regions: list(r.regions),
    coordinator: Number(r.coordinator) === 1,
    gender: r.gender === 'woman' || r.gender === 'man' ? r.gender : null,
    maxOpen: Number(r.max_open),
    schedule: String(r.schedule ?? ''),
    active: Number(r.active) === 1,
    passwordHash: r.password_hash === null || r.password_hash === undefined ? null : String(r.password_hash),
    telegramKey: r.telegram_key === null || r.telegram_key === undefined ? null : String(r.telegram_key),
    createdAt: Number(r.created_at),
  };
}

const HELPER_COLUMNS: Record<keyof HelperPatch, [string, (v: unknown) => SqlValue]> = {
  login: ['login', (v) => String(v)],
  name: ['name', (v) => String(v)],
  languages: ['languages', (v) => (v as string[]).join(',')],
  regions: ['regions', (v) => (v as string[]).join(',')],
  coordinator: ['coordinator', (v) => (v ? 1 : 0)],
  gender: ['gender', (v) => (v ? String(v) : null)],
  maxOpen: ['max_open', (v) => Number(v)],
  schedule: ['schedule', (v) => String(v)],
  active: ['active', (v) => (v ? 1 : 0)],
  passwordHash: ['password_hash', (v) => (v ? String(v) : null)],
  telegramKey: ['telegram_key', (v) => (v ? String(v) : null)],
};

type HelperStore = Omit<
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

export function createHelperSql(db: SqlDriver): HelperStore {
  return {
    async createHelper(h) {
      await db.run(
        `INSERT INTO helpers (id, login, name, languages, regions, coordinator, gender, max_open, schedule, active, password_hash, telegram_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          h.id,
          h.login,
          h.name,
          h.languages.join(','),
          h.regions.join(','),
          h.coordinator ? 1 : 0,
          h.gender,
          h.maxOpen,
          h.schedule,
          h.active ? 1 : 0,
          h.passwordHash,
          h.telegramKey,
          h.createdAt,
        ],
      );
    },
    async getHelper(id) {
      const r = (await db.query<Row>('SELECT * FROM helpers WHERE id = ?', [id]))[0];
      return r ? toHelper(r) : undefined;
    },
    async getHelperByLogin(login) {
      const r = (await db.query<Row>('SELECT * FROM helpers WHERE login = ?', [login]))[0];
      return r ? toHelper(r) : undefined;
    },
    async listHelpers() {
      return (await db.query<Row>('SELECT * FROM helpers ORDER BY name, id')).map(toHelper);
    },
    async updateHelper(id, patch) {
      const sets: string[] = [];
      const params: SqlValue[] = [];
      for (const [k, [col, conv]] of Object.entries(HELPER_COLUMNS) as [keyof HelperPatch, [string, (v: unknown) => SqlValue]][]) {
        if (!(k in patch)) continue;
        sets.push(`${col} = ?`);
        params.push(conv(patch[k]));
      }
      if (!sets.length) return false;
      return (await db.run(`UPDATE helpers SET ${sets.join(', ')} WHERE id = ?`, [...params, id])) > 0;
    },
    async saveHelperToken(hash, helperId, purpose, expiresAt) {
      // One live token per helper and purpose: a new link invalidates the old one.
      await db.run('DELETE FROM helper_tokens WHERE helper_id = ? AND purpose = ?', [helperId, purpose]);
      await db.run('INSERT INTO helper_tokens (hash, helper_id, purpose, expires_at) VALUES (?, ?, ?, ?)', [hash, helperId, purpose, expiresAt]);
    },
    async consumeHelperToken(hash, purpose, now) {
      const r = (
        await db.query<{ helper_id: string; expires_at: number | string }>('SELECT helper_id, expires_at FROM helper_tokens WHERE hash = ? AND purpose = ?', [
          hash,
          purpose,
        ])
      )[0];
      if (!r) return undefined;
      const won = (await db.run('DELETE FROM helper_tokens WHERE hash = ? AND purpose = ?', [hash, purpose])) === 1;
      return won && Number(r.expires_at) > now ? r.helper_id : undefined;
    },
    async createHelperSession(s) {
      await db.run('INSERT INTO helper_sessions (id_hash, helper_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
        s.idHash,
        s.helperId,
        s.csrf,
        s.createdAt,
        s.expiresAt,
      ]);
    },
    async getHelperSession(idHash, now) {
      const r = (await db.query<Row>('SELECT * FROM helper_sessions WHERE id_hash = ? AND expires_at > ?', [idHash, now]))[0];
      return r
        ? { idHash: String(r.id_hash), helperId: String(r.helper_id), csrf: String(r.csrf), createdAt: Number(r.created_at), expiresAt: Number(r.expires_at) }
        : undefined;
    },
    async deleteHelperSession(idHash) {
      await db.run('DELETE FROM helper_sessions WHERE id_hash = ?', [idHash]);
    },
    async appendAudit(e) {
      await db.run('INSERT INTO handover_audit (at, helper_id, action, conversation_id, detail) VALUES (?, ?, ?, ?, ?)', [
        e.at,
        e.helperId,
        e.action,
        e.conversationId,
        e.detail,
      ]);
    },
    async listAudit(limit) {
      const rows = await db.query<Row>('SELECT * FROM handover_audit ORDER BY at DESC, id DESC LIMIT ?', [limit]);
      return rows.map((r) => ({
        at: Number(r.at),
        helperId: r.helper_id === null ? null : String(r.helper_id),
        action: String(r.action),
        conversationId: r.conversation_id === null ? null : String(r.conversation_id),
        detail: r.detail === null ? null : String(r.detail),
      }));
    },
    async recordConsent(c) {
      await db.run('INSERT INTO handover_consents (user_key, at, version, locale, granted) VALUES (?, ?, ?, ?, ?)', [
        c.userKey,
        c.at,
        c.version,
        c.locale,
        c.granted ? 1 : 0,
      ]);
    },
    async listConsents(userKey) {
      const rows = await db.query<Row>('SELECT * FROM handover_consents WHERE user_key = ? ORDER BY at, id', [userKey]);
      return rows.map((r) => ({
        userKey: String(r.user_key),
        at: Number(r.at),
        version: String(r.version),
        locale: String(r.locale),
        granted: Number(r.granted) === 1,
      }));
    },
  };
}
