/**
 * A per-key ordered task queue: tasks for one chat run one after another in the order they were added; tasks for
 * different chats run concurrently. Used so that replies keep their order while the webhook answers at once.
 */
export interface ChatQueue {
  /** Adds a task behind the previous tasks of `key`. The returned promise settles when the task has run. */
  run(key: string, task: () => Promise<void>): Promise<void>;
  /** Number of chats with queued or running tasks. */
  size(): number;
  /** Resolves when no tasks are queued or running. */
  idle(): Promise<void>;
}

export function createChatQueue(): ChatQueue {
  const tails = new Map<string, Promise<void>>();
  return {
    run(key, task) {
      const prev = tails.get(key) ?? Promise.resolve();
      const next = prev.then(task, task).then(
        () => {},
        () => {},
      );
      tails.set(key, next);
      void next.then(() => {
        if (tails.get(key) === next) tails.delete(key);
      });
      return next;
    },
    size: () => tails.size,
    async idle() {
      while (tails.size) await Promise.all([...tails.values()]);
    },
  };
}

/** A counting semaphore: at most `limit` tasks at once, the rest wait first-in first-out. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createLimiter(limit: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(task) {
      if (active >= limit) await new Promise<void>((r) => waiting.push(r));
      else active++;
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else active--;
      }
    },
  };
}
