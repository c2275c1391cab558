/**
 * Numbered migrations, shared by SQLite and PostgreSQL. `{{autoid}}` becomes the dialect's auto-increment
 * primary key. Applied at start under a lock, so several instances starting together migrate once.
 */
import type { SqlDriver } from './driver.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'core',
    sql: `
      CREATE TABLE sessions (user_key TEXT PRIMARY KEY, channel TEXT NOT NULL, data TEXT NOT NULL, updated_at BIGINT NOT NULL);
      CREATE INDEX sessions_updated ON sessions (updated_at);
      CREATE TABLE processed (key TEXT PRIMARY KEY, at BIGINT NOT NULL);
      CREATE INDEX processed_at ON processed (at);
      CREATE TABLE transcripts (
        id {{autoid}}, user_key TEXT NOT NULL, conversation_id TEXT, at BIGINT NOT NULL, direction TEXT NOT NULL,
        topic_id TEXT, content_version TEXT, topic_revision TEXT, text TEXT);
      CREATE INDEX transcripts_user ON transcripts (user_key, at);
      CREATE INDEX transcripts_conv ON transcripts (conversation_id);
      CREATE TABLE unmatched (id {{autoid}}, locale TEXT NOT NULL, text TEXT NOT NULL, at BIGINT NOT NULL);
      CREATE INDEX unmatched_at ON unmatched (at);
      CREATE TABLE addresses (user_key TEXT PRIMARY KEY, channel TEXT NOT NULL, address TEXT NOT NULL, updated_at BIGINT NOT NULL);
      CREATE TABLE counters (name TEXT NOT NULL, key TEXT NOT NULL, day TEXT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (name, key, day));
    `,
  },
  {
    version: 2,
    name: 'channel-intake',
    sql: `
      CREATE TABLE intake (
        id {{autoid}}, channel TEXT NOT NULL, message_id TEXT NOT NULL, user_key TEXT NOT NULL, kind TEXT NOT NULL,
        payload TEXT NOT NULL, outbound TEXT, state TEXT NOT NULL, sent INTEGER NOT NULL, attempts INTEGER NOT NULL,
        received_at BIGINT NOT NULL, not_before BIGINT NOT NULL, lease_until BIGINT);
      CREATE UNIQUE INDEX intake_message ON intake (channel, message_id);
      CREATE INDEX intake_user ON intake (user_key, channel, id);
      CREATE INDEX intake_due ON intake (channel, state, not_before);
      CREATE TABLE outbound_messages (
        channel TEXT NOT NULL, message_id TEXT NOT NULL, user_key TEXT NOT NULL, status TEXT NOT NULL, status_rank INTEGER NOT NULL,
        error_code TEXT, payload TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (channel, message_id));
      CREATE INDEX outbound_messages_user ON outbound_messages (user_key);
      CREATE INDEX outbound_messages_created ON outbound_messages (created_at);
      CREATE TABLE channel_contacts (
        user_key TEXT NOT NULL, channel TEXT NOT NULL, last_inbound_at BIGINT, template_at BIGINT, PRIMARY KEY (user_key, channel));
      CREATE TABLE held_messages (id {{autoid}}, user_key TEXT NOT NULL, channel TEXT NOT NULL, payload TEXT NOT NULL, at BIGINT NOT NULL);
      CREATE INDEX held_messages_user ON held_messages (user_key, channel, at);
    `,
  },
  {
    version: 3,
    name: 'handover',
    sql: `
      CREATE TABLE handover_conversations (
        id TEXT PRIMARY KEY, user_key TEXT, channel TEXT NOT NULL, locale TEXT NOT NULL, municipality TEXT, province TEXT,
        gender_pref TEXT, note TEXT, priority TEXT NOT NULL, status TEXT NOT NULL, helper_id TEXT, created_at BIGINT NOT NULL,
        claimed_at BIGINT, closed_at BIGINT, updated_at BIGINT NOT NULL, outcome TEXT, closed_by TEXT, rating INTEGER,
        consent_version TEXT NOT NULL, topics TEXT NOT NULL, content_version TEXT NOT NULL);
      CREATE INDEX handover_conv_user ON handover_conversations (user_key, status);
      CREATE INDEX handover_conv_status ON handover_conversations (status, created_at);
      CREATE INDEX handover_conv_helper ON handover_conversations (helper_id, status);
      CREATE TABLE handover_messages (
        id {{autoid}}, conversation_id TEXT NOT NULL, at BIGINT NOT NULL, sender TEXT NOT NULL, helper_id TEXT, kind TEXT NOT NULL,
        text TEXT, media_type TEXT, media_ref TEXT, topic_id TEXT, content_version TEXT, topic_revision TEXT, lang TEXT);
      CREATE INDEX handover_messages_conv ON handover_messages (conversation_id, id);
      CREATE TABLE handover_consents (
        id {{autoid}}, user_key TEXT NOT NULL, at BIGINT NOT NULL, version TEXT NOT NULL, locale TEXT NOT NULL, granted INTEGER NOT NULL);
      CREATE INDEX handover_consents_user ON handover_consents (user_key);
      CREATE TABLE handover_timers (
        id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, kind TEXT NOT NULL, due_at BIGINT NOT NULL, lease_until BIGINT);
      CREATE INDEX handover_timers_due ON handover_timers (due_at);
      CREATE INDEX handover_timers_conv ON handover_timers (conversation_id);
      CREATE TABLE handover_audit (
        id {{autoid}}, at BIGINT NOT NULL, helper_id TEXT, action TEXT NOT NULL, conversation_id TEXT, detail TEXT);
      CREATE INDEX handover_audit_at ON handover_audit (at);
      CREATE TABLE helpers (
        id TEXT PRIMARY KEY, login TEXT NOT NULL UNIQUE, name TEXT NOT NULL, languages TEXT NOT NULL, regions TEXT NOT NULL,
        coordinator INTEGER NOT NULL, gender TEXT, max_open INTEGER NOT NULL, schedule TEXT NOT NULL, active INTEGER NOT NULL,
        password_hash TEXT, telegram_key TEXT, created_at BIGINT NOT NULL);
      CREATE TABLE helper_tokens (hash TEXT PRIMARY KEY, helper_id TEXT NOT NULL, purpose TEXT NOT NULL, expires_at BIGINT NOT NULL);
      CREATE TABLE helper_sessions (
        id_hash TEXT PRIMARY KEY, helper_id TEXT NOT NULL, csrf TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
      CREATE INDEX helper_sessions_helper ON helper_sessions (helper_id);
    `,
  },
  {
    version: 4,
    name: 'jobs',
    sql: `
      CREATE TABLE jobs (name TEXT PRIMARY KEY, last_run BIGINT NOT NULL, owner TEXT NOT NULL);
    `,
  },
  {
    version: 5,
    name: 'retention',
    sql: `
      ALTER TABLE processed ADD COLUMN user_key TEXT;
      CREATE INDEX processed_user ON processed (user_key);
      CREATE INDEX transcripts_at ON transcripts (at);
      CREATE INDEX addresses_updated ON addresses (updated_at);
      CREATE INDEX intake_received ON intake (state, received_at);
      CREATE INDEX held_messages_at ON held_messages (at);
      CREATE INDEX handover_consents_at ON handover_consents (at);
    `,
  },
  {
    version: 6,
    name: 'pubsub-spill',
    sql: `
      CREATE TABLE pubsub_spill (id {{autoid}}, body TEXT NOT NULL, at BIGINT NOT NULL);
      CREATE INDEX pubsub_spill_at ON pubsub_spill (at);
    `,
  },
  {
    version: 7,
    name: 'self-check-share',
    // Self-check answers the user agreed to share with the sleutelpersoon (JSON), or NULL.
    sql: `
      ALTER TABLE handover_conversations ADD COLUMN self_check TEXT;
    `,
  },
];

function render(sql: string, dialect: SqlDriver['dialect']): string {
  return sql.replaceAll('{{autoid}}', dialect === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY');
}

/** Applies pending migrations; returns the versions applied now. */
export async function migrate(db: SqlDriver, migrations: Migration[] = MIGRATIONS, now = Date.now()): Promise<number[]> {
  return db.withLock('wegwijs-migrate', async () => {
    await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const rows = await db.query<{ version: number | string }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await db.transaction(async (tx) => {
        await tx.exec(render(m.sql, db.dialect));
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now]);
      });
      applied.push(m.version);
    }
    return applied;
  });
}
