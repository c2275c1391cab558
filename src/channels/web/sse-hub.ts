/**
 * Server-Sent Events connections of web chat users, by user key. Messages that arrive later (a
 * sleutelpersoon's reply) are pushed here. Multi-instance delivery plugs in through `publish`.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
import type { Response } from 'express';
import type { Outbound } from '../../core/messages.ts';

export interface SseHub {
  add(userKey: string, res: Response): void;
  send(userKey: string, messages: Outbound[]): number;
  closeAll(): void;
  size(): number;
}

export function createSseHub(opts: { heartbeatMs?: number } = {}): SseHub {
  const clients = new Map<string, Set<Response>>();
  const heartbeat = setInterval(() => {
    for (const set of clients.values()) for (const res of set) res.write(': ping\n\n');
  }, opts.heartbeatMs ?? 25_000);
  heartbeat.unref();
  return {
    add(userKey, res) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 3000\n\n');
      let set = clients.get(userKey);
      if (!set) {
        set = new Set();
        clients.set(userKey, set);
      }
      set.add(res);
      res.on('close', () => {
        set.delete(res);
        if (!set.size) clients.delete(userKey);
      });
    },
    send(userKey, messages) {
      const set = clients.get(userKey);
      if (!set) return 0;
      const data = `event: messages\ndata: ${JSON.stringify({ messages })}\n\n`;
      for (const res of set) res.write(data);
      return set.size;
    },
    closeAll() {
      clearInterval(heartbeat);
      for (const set of clients.values()) for (const res of set) res.end();
      clients.clear();
    },
    size: () => [...clients.values()].reduce((n, s) => n + s.size, 0),
  };
}
