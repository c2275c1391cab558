/**
 * Per-user flood control: above `max` messages in `windowMs`, the user gets one polite "slow down" per window and
 * further messages are deliberately ignored (crisis detection still runs on them). In-memory per instance: a flood
 * arrives on one connection, so one instance sees it.
 */
export interface FloodGuard {
  check(userKey: string, now: number): 'ok' | 'warn' | 'drop';
}

export function createFloodGuard(opts: { max: number; windowMs: number; maxUsers?: number }): FloodGuard {
  const seen = new Map<string, { times: number[]; warnedAt: number }>();
  const maxUsers = opts.maxUsers ?? 100_000;
  return {
    check(userKey, now) {
      let s = seen.get(userKey);
      if (!s) {
        if (seen.size >= maxUsers) {
          const oldest = seen.keys().next().value;
          if (oldest !== undefined) seen.delete(oldest);
        }
        s = { times: [], warnedAt: 0 };
      } else {
        seen.delete(userKey); // re-insert to keep the map in least-recently-used order
      }
      seen.set(userKey, s);
      s.times = s.times.filter((t) => now - t < opts.windowMs);
      s.times.push(now);
      if (s.times.length <= opts.max) return 'ok';
      if (now - s.warnedAt >= opts.windowMs) {
        s.warnedAt = now;
        return 'warn';
      }
      return 'drop';
    },
  };
}
