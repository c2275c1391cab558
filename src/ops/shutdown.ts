/**
 * Graceful shutdown (SIGTERM from Docker, systemd or Kubernetes), in this order:
 * 1. stop taking new work over HTTP: new requests get 503 (Telegram and WhatsApp redeliver them later, to another
 *    instance or after the restart), event streams are ended (browsers reconnect elsewhere);
 * 2. let the requests already accepted finish: each message is answered;
 * 3. stop listening, and close the connections left once their last answers went out;
 * 4. `close()`: stop polling and the intake worker (rows not yet taken stay in the database for the next
 *    instance), let queued replies go out, stop timers, then close the database.
 * Everything within `timeoutMs`; what is still running after that is cut off.
 */
import type { Server } from 'node:http';
import type { Logger } from '../core/ports.ts';
import type { Drain } from '../http/drain.ts';

export interface ShutdownDeps {
  drain: Drain;
  server?: Server | null;
  /** Stops background work and closes the store (`Wired.close`). */
  close(): Promise<void>;
  logger: Logger;
  timeoutMs: number;
}

/** Returns true when every accepted request finished in time. */
export async function gracefulShutdown(deps: ShutdownDeps): Promise<boolean> {
  const { drain, server, logger } = deps;
  const started = Date.now();
  drain.begin();
  // Most of the budget for the requests in flight; the rest for flushing replies and closing.
  const drained = await drain.idle(Math.round(deps.timeoutMs * 0.6));
  if (!drained) logger.warn({ event: 'shutdown_requests_cut', inFlight: drain.inFlight() }, 'requests still running at the deadline');
  if (server) {
    const closed = new Promise<void>((r) => server.close(() => r()));
    // A connection accepted just before the listener closed may still be sending its request: it gets a moment to be
    // answered (503, connection closed) before whatever is left open is cut.
    await Promise.race([closed, new Promise((r) => setTimeout(r, 250))]);
    server.closeAllConnections();
    await closed;
  }
  await deps.close();
  logger.info({ event: 'shutdown_done', ms: Date.now() - started, drained }, 'shut down');
  return drained;
}
