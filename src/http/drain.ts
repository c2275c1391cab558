/**
 * Graceful shutdown of the HTTP side. The drain middleware runs first for every request and keeps the set of
 * requests in flight. `begin()` starts draining: requests arriving from then on get 503 (`Retry-After`, connection
 * closed; Telegram and WhatsApp redeliver, a load balancer retries elsewhere) except `/healthz`, `/readyz` says
 * not ready, and open Server-Sent Events streams are ended (browsers reconnect, to another instance). Requests
 * already accepted run to the end: `idle()` resolves when the last one has been answered.
 * The server keeps listening while draining so late connections get a clear 503 rather than a reset; the caller
 * closes it after `idle()`.
 */
import type { RequestHandler, Response } from 'express';

export interface Drain {
  middleware: RequestHandler;
  begin(): void;
  readonly draining: boolean;
  /** Requests in flight, not counting event streams. */
  inFlight(): number;
  /** Resolves true when nothing is in flight any more, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean>;
}

const isStream = (res: Response) => res.headersSent && String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');

export function createDrain(): Drain {
  const open = new Set<Response>();
  let draining = false;
  const busy = () => [...open].filter((r) => !isStream(r)).length;
  const endStreams = () => {
    for (const res of open) if (isStream(res)) res.end();
  };
  return {
    middleware(req, res, next) {
      if (draining && req.path !== '/healthz') {
        res.set({ Connection: 'close', 'Retry-After': '5' }).status(503).json({ error: 'shutting_down' });
        return;
      }
      open.add(res);
      res.on('close', () => open.delete(res));
      next();
    },
    begin() {
      if (draining) return;
      draining = true;
      for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
      endStreams();
    },
    get draining() {
      return draining;
    },
    inFlight: busy,
    idle(timeoutMs) {
      const end = Date.now() + timeoutMs;
      return new Promise((resolve) => {
        const tick = () => {
          // A stream whose handler was already running at begin() is ended as soon as it shows.
          if (draining) endStreams();
          if (busy() === 0) resolve(true);
          else if (Date.now() >= end) resolve(false);
          else setTimeout(tick, 20);
        };
        tick();
      });
    },
  };
}
