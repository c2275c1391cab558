/**
 * Retention over the shared SQL driver: time-based deletes for `src/privacy/retention.ts`. Portable SQL for SQLite
 * and PostgreSQL; every statement is idempotent, so a run that stops half-way is simply completed by the next one.
 */
import type { RetentionCounts, Store } from '../core/ports.ts';
import type { SqlDriver } from './driver.ts';

const OPEN = "SELECT user_key FROM handover_conversations WHERE status IN ('waiting', 'active') AND user_key IS NOT NULL";

export function createRetentionSql(db: SqlDriver): Pick<Store, 'purgeExpired' | 'idleUsers'> {
  return {
    async purgeExpired(c) {
      const n: RetentionCounts = { transcripts: 0, consents: 0, held: 0, unmatched: 0, processed: 0, intake: 0, outbound: 0, helperSessions: 0 };
      n.transcripts += await db.run('DELETE FROM transcripts WHERE conversation_id IS NULL AND at < ?', [c.transcriptsBefore]);
      // Lines of a handover conversation go N days after it closed: kept while it is open or closed recently.
      n.transcripts += await db.run(
        `DELETE FROM transcripts WHERE conversation_id IS NOT NULL AND at < ?
         AND conversation_id NOT IN (SELECT id FROM handover_conversations WHERE closed_at IS NULL OR closed_at >= ?)`,
        [c.transcriptsBefore, c.transcriptsBefore],
      );
      // Consent is the basis for a conversation's data: it goes once none of the user's conversations holds any.
      n.consents = await db.run(
        'DELETE FROM handover_consents WHERE at < ? AND user_key NOT IN (SELECT user_key FROM handover_conversations WHERE user_key IS NOT NULL)',
        [c.transcriptsBefore],
      );
      n.held = await db.run('DELETE FROM held_messages WHERE at < ?', [c.transcriptsBefore]);
      n.unmatched = await db.run('DELETE FROM unmatched WHERE at < ?', [c.unmatchedBefore]);
      n.processed = await db.run('DELETE FROM processed WHERE at < ?', [c.dedupeBefore]);
      n.intake = await db.run("DELETE FROM intake WHERE state IN ('done', 'failed') AND received_at < ?", [c.dedupeBefore]);
      n.outbound = await db.run('DELETE FROM outbound_messages WHERE created_at < ?', [c.dedupeBefore]);
      n.helperSessions = await db.run('DELETE FROM helper_sessions WHERE expires_at < ?', [c.dedupeBefore]);
      n.helperSessions += await db.run('DELETE FROM helper_tokens WHERE expires_at < ?', [c.dedupeBefore]);
      return n;
    },
    async idleUsers(before, limit) {
      const rows = await db.query<{ user_key: string }>(
        `SELECT user_key FROM sessions WHERE updated_at < ? AND user_key NOT IN (${OPEN})
         UNION
         SELECT user_key FROM addresses WHERE updated_at < ? AND user_key NOT IN (SELECT user_key FROM sessions) AND user_key NOT IN (${OPEN})
         ORDER BY user_key LIMIT ?`,
        [before, before, limit],
      );
      return rows.map((r) => r.user_key);
    },
  };
}
