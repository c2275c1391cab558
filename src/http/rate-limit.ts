/**
 * A small in-memory token bucket per client address. Generous by default, because many users may share one address
 * (a reception centre, a library); per-user flood control in the engine does the fine-grained work.
 */
import type { NextFunction, Request, Response } from 'express';

export interface RateLimitOptions {
  /** Tokens added per minute. */
  perMinute: number;
  /** Bucket size (burst). */
  burst: number;
  now?: () => number;
  maxKeys?: number;
}

export function createRateLimit(opts: RateLimitOptions) {
  const now = opts.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const maxKeys = opts.maxKeys ?? 50_000;
  return function rateLimit(req: Request, res: Response, next: NextFunction): void {
    const key = req.ip ?? 'unknown';
    const t = now();
    let b = buckets.get(key);
    if (!b) {
      if (buckets.size >= maxKeys) buckets.clear();
      b = { tokens: opts.burst, at: t };
      buckets.set(key, b);
    }
    b.tokens = Math.min(opts.burst, b.tokens + ((t - b.at) / 60_000) * opts.perMinute);
    b.at = t;
    if (b.tokens < 1) {
      res.setHeader('Retry-After', String(Math.ceil(((1 - b.tokens) * 60) / opts.perMinute)));
      res.status(429).json({ error: 'rate_limited' });
      return;
    }
    b.tokens -= 1;
    next();
  };
}
