/**
 * The store, written once over the SQL driver interface; SQLite and PostgreSQL differ only in their driver.
 */

import type { HandoverStore } from '../core/handover-port.ts';
import type { ChannelName } from '../core/messages.ts';
import type { SessionRow, Store, TranscriptEntry } from '../core/ports.ts';
import type { SqlDriver } from './driver.ts';
import { createConversationSql, forgetHandoverData } from './handover-sql.ts';
import { createHelperSql } from './helper-sql.ts';
import { createIntakeSql, forgetIntake } from './intake-sql.ts';
import { createRetentionSql } from './retention-sql.ts';

export interface SqlStore extends Store, HandoverStore {
  readonly db: SqlDriver;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** How stale `addresses.updated_at` may get for an unchanged address (see saveAddress). */
const ADDRESS_REFRESH_MS = 3_600_000;

export function createSqlStore(db: SqlDriver): SqlStore {
  return {
    db,
    async getSession(userKey) {
      const rows = await db.query<{ user_key: string; channel: string; data: string; updated_at: number | string }>(
        'SELECT user_key, channel, data, updated_at FROM sessions WHERE user_key = ?',
        [userKey],
      );
      const r = rows[0];
      return r ? { userKey: r.user_key, channel: r.channel as SessionRow['channel'], data: r.data, updatedAt: Number(r.updated_at) } : undefined;
    },
    async saveSession(row) {
      await db.run(
        `INSERT INTO sessions (user_key, channel, data, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_key) DO UPDATE SET channel = excluded.channel, data = excluded.data, updated_at = excluded.updated_at`,
        [row.userKey, row.channel, row.data, row.updatedAt],
      );
    },
    async deleteSession(userKey) {
      await db.run('DELETE FROM sessions WHERE user_key = ?', [userKey]);
    },
    async markProcessed(key, at, userKey) {
      return (await db.run('INSERT INTO processed (key, at, user_key) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING', [key, at, userKey ?? null])) === 1;
    },
    async appendTranscript(e: TranscriptEntry) {
      await db.run(
        'INSERT INTO transcripts (user_key, conversation_id, at, direction, topic_id, content_version, topic_revision, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [e.userKey, e.conversationId ?? null, e.at, e.direction, e.topicId ?? null, e.contentVersion ?? null, e.topicRevision ?? null, e.text ?? null],
      );
    },
    async listTranscript(userKey, limit = 200) {
      const rows = await db.query<Record<string, string | number | null>>(
        'SELECT * FROM (SELECT * FROM transcripts WHERE user_key = ? ORDER BY at DESC, id DESC LIMIT ?) t ORDER BY at ASC, id ASC',
        [userKey, limit],
      );
      return rows.map((r) => ({
        userKey: String(r.user_key),
        conversationId: (r.conversation_id as string | null) ?? null,
        at: Number(r.at),
        direction: r.direction as TranscriptEntry['direction'],
        topicId: (r.topic_id as string | null) ?? null,
        contentVersion: (r.content_version as string | null) ?? null,
        topicRevision: (r.topic_revision as string | null) ?? null,
        text: (r.text as string | null) ?? null,
      }));
    },
    async recordUnmatched(locale, text, at) {
      await db.run('INSERT INTO unmatched (locale, text, at) VALUES (?, ?, ?)', [locale, text.slice(0, 500), at]);
    },
    async topUnmatched(sinceMs, limitPerLocale) {
      const rows = await db.query<{ locale: string; text: string; count: number | string }>(
        'SELECT locale, text, COUNT(*) AS count FROM unmatched WHERE at >= ? GROUP BY locale, text ORDER BY locale, count DESC, text',
        [sinceMs],
      );
      const per = new Map<string, number>();
      return rows
        .filter((r) => {
          const n = per.get(r.locale) ?? 0;
          per.set(r.locale, n + 1);
          return n < limitPerLocale;
        })
        .map((r) => ({ locale: r.locale, text: r.text, count: Number(r.count) }));
    },
    async incrementCounter(name, key, at) {
      await db.run('INSERT INTO counters (name, key, day, count) VALUES (?, ?, ?, 1) ON CONFLICT (name, key, day) DO UPDATE SET count = counters.count + 1', [
        name,
        key,
        day(at),
      ]);
    },
    async counters(name, sinceMs) {
      const rows = await db.query<{ key: string; day: string; count: number | string }>(
        'SELECT key, day, count FROM counters WHERE name = ? AND day >= ? ORDER BY day, key',
        [name, day(sinceMs)],
      );
      return rows.map((r) => ({ key: r.key, day: r.day, count: Number(r.count) }));
    },
    async saveAddress(userKey, channel, address, at) {
      // Called for every Telegram update: an unchanged address is rewritten at most once an hour (its age only
      // matters to retention, counted in days), so most calls read and write nothing.
      await db.run(
        `INSERT INTO addresses (user_key, channel, address, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_key) DO UPDATE SET channel = excluded.channel, address = excluded.address, updated_at = excluded.updated_at
         WHERE addresses.address <> excluded.address OR addresses.channel <> excluded.channel OR addresses.updated_at < excluded.updated_at - ?`,
        [userKey, channel, address, at, ADDRESS_REFRESH_MS],
      );
    },
    async getAddress(userKey) {
      const rows = await db.query<{ channel: string; address: string }>('SELECT channel, address FROM addresses WHERE user_key = ?', [userKey]);
      const r = rows[0];
      return r ? { channel: r.channel as ChannelName, address: r.address } : undefined;
    },
    async forgetUser(userKey) {
      await db.transaction(async (tx) => {
        await tx.run('DELETE FROM addresses WHERE user_key = ?', [userKey]);
        await tx.run('DELETE FROM transcripts WHERE user_key = ?', [userKey]);
        await tx.run('DELETE FROM sessions WHERE user_key = ?', [userKey]);
        await tx.run('DELETE FROM processed WHERE user_key = ?', [userKey]);
        await forgetIntake(tx, userKey);
        await forgetHandoverData(tx, userKey, Date.now());
      });
    },
    async claimJob(name, periodMs, now, owner) {
      // One statement: the row is inserted, or updated only when the last run is at least a period old.
      const n = await db.run(
        `INSERT INTO jobs (name, last_run, owner) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run, owner = excluded.owner
         WHERE jobs.last_run <= excluded.last_run - ?`,
        [name, now, owner, periodMs],
      );
      return n === 1;
    },
    ...createRetentionSql(db),
    ...createConversationSql(db),
    ...createHelperSql(db),
    ...createIntakeSql(db),
    async ping() {
      try {
        await db.query('SELECT 1 AS ok');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await db.close();
    },
  };
}
