/**
 * The retention purge: deletes what wegwijs no longer needs, on a daily schedule that runs once across all
 * instances (coordinated through the database with `Store.claimJob`). Every step is an idempotent delete by age,
 * so `runOnce()` can run any number of times, and a run cut short is completed by the next one.
 *
 * What goes, and when (defaults in `src/config.ts`, documented in the `privacy` topic and SECURITY.md):
 * - transcript lines, handover conversations (messages, note, topics, shared self-check answers, user key) and held
 *   messages: N days after the line was written or the conversation closed (RETENTION_TRANSCRIPT_DAYS);
 * - idle users: N days after their session was last used, everything linked to their user key, exactly like
 *   "forget me" (RETENTION_SESSION_DAYS); users with a waiting or active conversation are left until it closes;
 * - unanswered-question texts (anonymous): N days after they were asked (RETENTION_UNANSWERED_DAYS);
 * - processed message keys, finished intake rows and delivery records: after a few days (they only stop a
 *   redelivered webhook from being processed twice).
 * Aggregate counters stay: their keys are topic ids, locales, outcomes and error codes, never a user key.
 */
import type { HandoverStore } from '../core/handover-port.ts';
import type { Clock, Logger, RetentionCounts, Store } from '../core/ports.ts';

export const DAY_MS = 86_400_000;
export const RETENTION_JOB = 'retention';

export interface RetentionConfig {
  transcriptDays: number;
  sessionDays: number;
  unansweredDays: number;
  /** Redelivery protection (dedupe keys, finished intake rows, delivery records); default 7. */
  dedupeDays?: number;
}

export interface RetentionDeps {
  store: Store & Pick<HandoverStore, 'purgeConversations'>;
  clock: Clock;
  logger: Logger;
  config: RetentionConfig;
  /** Who runs the job (recorded in the `jobs` table for operators); default a random instance id. */
  owner?: string;
  /** How often an instance asks whether the daily run is due (default hourly). */
  checkEveryMs?: number;
  /** Idle users forgotten per batch (default 200). */
  batch?: number;
}

export interface RetentionReport extends RetentionCounts {
  conversations: number;
  idleUsers: number;
}

export interface RetentionJob {
  /** Runs the purge now, whatever the schedule says. Idempotent. */
  runOnce(): Promise<RetentionReport>;
  /** Runs the purge if this instance wins the daily claim; null when another run is younger than a day. */
  runIfDue(): Promise<RetentionReport | null>;
  /** Checks at once and then every `checkEveryMs`. */
  start(): void;
  stop(): Promise<void>;
}

/** Upper bound on idle-user batches per run, so a store that cannot delete never loops forever. */
const MAX_BATCHES = 10_000;

export function createRetentionJob(deps: RetentionDeps): RetentionJob {
  const { store, clock, logger, config } = deps;
  const owner = deps.owner ?? `instance-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const batch = deps.batch ?? 200;
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;

  async function forgetIdle(before: number): Promise<number> {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const keys = await store.idleUsers(before, batch);
      for (const k of keys) await store.forgetUser(k);
      total += keys.length;
      if (keys.length < batch) break;
    }
    return total;
  }

  async function runOnce(): Promise<RetentionReport> {
    const now = clock.now();
    const transcriptsBefore = now - config.transcriptDays * DAY_MS;
    const conversations = await store.purgeConversations(transcriptsBefore);
    const idleUsers = await forgetIdle(now - config.sessionDays * DAY_MS);
    const counts = await store.purgeExpired({
      transcriptsBefore,
      unmatchedBefore: now - config.unansweredDays * DAY_MS,
      dedupeBefore: now - (config.dedupeDays ?? 7) * DAY_MS,
    });
    const report: RetentionReport = { conversations, idleUsers, ...counts };
    logger.info({ event: 'retention_done', ...report }, 'retention purge done');
    return report;
  }

  async function runIfDue(): Promise<RetentionReport | null> {
    if (!(await store.claimJob(RETENTION_JOB, DAY_MS, clock.now(), owner))) return null;
    return runOnce();
  }

  function check(): void {
    if (busy) return;
    busy = true;
    running = runIfDue()
      .catch((e: unknown) => logger.error({ event: 'retention_failed', err: { name: (e as Error)?.name } }, 'retention purge failed; retried later'))
      .finally(() => {
        busy = false;
      });
  }

  return {
    runOnce,
    runIfDue,
    start() {
      if (timer) return;
      check();
      timer = setInterval(check, deps.checkEveryMs ?? 3_600_000);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
