/**
 * The intake worker: claims due queue rows (per user only the oldest, under a lease, so several instances can run
 * side by side), processes them, and backs off on rate limits and errors. A row whose worker crashed is claimed
 * again when its lease runs out; the engine's own de-duplication keeps the message processed once.
 */
import type { ChannelName } from '../../core/messages.ts';
import type { Clock, IntakeItem, Logger, Store } from '../../core/ports.ts';
import type { DeliverResult } from './delivery.ts';

export interface WorkerDeps {
  store: Store;
  channel: ChannelName;
  process(item: IntakeItem): Promise<DeliverResult>;
  clock: Clock;
  logger: Logger;
  pollMs?: number;
  leaseMs?: number;
  batch?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Finished rows are kept this long for de-duplication, then pruned. */
  keepMs?: number;
}

/** Attempts before a row is given up (logged and counted): rate limits get many, because nothing may be lost. */
const MAX_ATTEMPTS = { rate: 40, transient: 12, error: 5 } as const;

export interface IntakeWorker {
  start(): void;
  stop(): Promise<void>;
  /** Wakes the worker now (after a webhook stored something). */
  nudge(): void;
  /** Resolves once the worker has found nothing due (or at once when it is not running). */
  idle(): Promise<void>;
  readonly running: boolean;
}

export function createIntakeWorker(deps: WorkerDeps): IntakeWorker {
  const { store, logger } = deps;
  const pollMs = deps.pollMs ?? 1000;
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const base = deps.retryBaseMs ?? 2000;
  const max = deps.retryMaxMs ?? 5 * 60_000;
  const keepMs = deps.keepMs ?? 30 * 24 * 3600 * 1000;
  let running = false;
  let loopDone: Promise<void> = Promise.resolve();
  let wake: (() => void) | null = null;
  let nudged = false;
  let idleWaiters: (() => void)[] = [];
  let lastPrune = 0;

  const backoff = (attempts: number) => Math.min(max, base * 2 ** (attempts - 1)) * (0.8 + Math.random() * 0.4);

  async function defer(item: IntakeItem, cls: keyof typeof MAX_ATTEMPTS, code: number | null): Promise<void> {
    const attempts = item.attempts + 1;
    if (attempts >= MAX_ATTEMPTS[cls]) {
      logger.error({ event: 'wa_gave_up', kind: item.kind, cls, code, attempts }, 'queue row given up');
      await store.incrementCounter('whatsapp_gave_up', cls, deps.clock.now());
      await store.intakeUpdate(item.id, { state: 'failed' });
      return;
    }
    await store.intakeUpdate(item.id, { attempts, notBefore: deps.clock.now() + Math.round(backoff(attempts)), release: true });
  }

  async function handle(item: IntakeItem): Promise<void> {
    try {
      const r = await deps.process(item);
      if (r.status === 'retry') await defer(item, r.retry, r.code);
    } catch (e) {
      logger.error({ event: 'wa_process_error', kind: item.kind, err: { name: (e as Error)?.name } }, 'processing failed; will retry');
      await defer(item, 'error', null).catch(() => {});
    }
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      wake = done;
    });
  }

  async function prune(now: number): Promise<void> {
    if (now - lastPrune < 3600_000) return;
    lastPrune = now;
    const n = await store.intakePrune(deps.channel, now - keepMs).catch(() => 0);
    if (n) logger.info({ event: 'wa_pruned', rows: n }, 'old queue rows pruned');
  }

  async function loop(): Promise<void> {
    while (running) {
      nudged = false;
      // Only callers that were waiting before this claim started may be told "idle" by its empty result.
      const waiters = idleWaiters;
      idleWaiters = [];
      const now = deps.clock.now();
      let items: IntakeItem[] = [];
      try {
        items = await store.intakeClaim(deps.channel, now, leaseMs, deps.batch ?? 8);
      } catch {
        logger.error({ event: 'wa_claim_failed' }, 'could not read the queue');
      }
      if (items.length) {
        idleWaiters.unshift(...waiters);
        await Promise.all(items.map(handle));
        continue;
      }
      for (const w of waiters) w();
      await prune(now);
      if (!nudged && running) await sleep(pollMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loopDone = loop();
    },
    async stop() {
      running = false;
      wake?.();
      await loopDone;
      for (const w of idleWaiters.splice(0)) w();
    },
    nudge() {
      nudged = true;
      wake?.();
    },
    idle() {
      if (!running) return Promise.resolve();
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        wake?.();
      });
    },
    get running() {
      return running;
    },
  };
}
