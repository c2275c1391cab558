/**
 * The web chat channel: a static, dependency-free page plus a small JSON API.
 * - `POST /api/chat/messages` `{text}` | `{choice}` | `{location:{lat,lon}}` | `{command}` (+ optional `id`) →
 *   `{messages: Outbound[]}`;
 * - `GET /api/chat/events`: Server-Sent Events for messages that arrive later.
 * The browser is identified by an HttpOnly, SameSite=Strict cookie holding a random id; the engine only sees
 * an HMAC of it.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
import type { Engine } from '../../core/engine.ts';
import type { InboundPayload } from '../../core/messages.ts';
import type { Logger } from '../../core/ports.ts';
import { createRateLimit } from '../../http/rate-limit.ts';
import type { UserKeyFn } from '../../privacy/user-key.ts';
import type { SseHub } from './sse-hub.ts';

export const WEB_COOKIE = 'wegwijs_sid';
const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export interface WebChannelDeps {
  engine: Engine;
  userKey: UserKeyFn;
  hub: SseHub;
  logger: Logger;
  secureCookies: boolean;
  /** Per-client limit on the chat API (default 120 a minute, bursts of 60). */
  rateLimit?: { perMinute: number; burst: number };
}

function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) {
      const val = v.join('=');
      return /^[A-Za-z0-9_-]{22,64}$/.test(val) ? val : null;
    }
  }
  return null;
}

function ensureSid(req: Request, res: Response, secure: boolean): string {
  const existing = readCookie(req, WEB_COOKIE);
  if (existing) return existing;
  const sid = randomBytes(24).toString('base64url');
  res.cookie(WEB_COOKIE, sid, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: 1000 * 60 * 60 * 24 * 180 });
  return sid;
}

/** Validates the JSON body of a web message; returns null when it is not one of the accepted shapes. */
export function parseWebMessage(body: unknown): (InboundPayload & { messageId?: string }) | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  const messageId = typeof b.id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(b.id) ? b.id : undefined;
  const base = messageId ? { messageId } : {};
  if (typeof b.text === 'string') return { ...base, kind: 'text', text: b.text };
  if (typeof b.choice === 'string' && b.choice.length <= 64) return { ...base, kind: 'choice', id: b.choice };
  if (typeof b.command === 'string' && /^[a-z]{1,32}$/.test(b.command)) return { ...base, kind: 'command', command: b.command };
  const loc = b.location as Record<string, unknown> | undefined;
  if (loc && typeof loc === 'object' && typeof loc.lat === 'number' && typeof loc.lon === 'number') {
    if (Math.abs(loc.lat) <= 90 && Math.abs(loc.lon) <= 180) return { ...base, kind: 'location', lat: loc.lat, lon: loc.lon };
  }
  return null;
}

export function createWebChannel(deps: WebChannelDeps): Router {
  const router = express.Router();
  router.use(express.static(PUBLIC_DIR, { index: 'index.html', maxAge: '1h' }));

  const limit = createRateLimit(deps.rateLimit ?? { perMinute: 120, burst: 60 });
  router.post('/api/chat/messages', limit, express.json({ limit: '16kb' }), async (req, res) => {
    if (!req.is('application/json')) {
      res.status(415).json({ error: 'unsupported_media_type' });
      return;
    }
    const sid = ensureSid(req, res, deps.secureCookies);
    const parsed = parseWebMessage(req.body);
    const userKey = deps.userKey('web', sid);
    const lang = typeof req.body?.lang === 'string' ? req.body.lang : undefined;
    const inbound: InboundPayload & { messageId?: string } = parsed ?? { kind: 'text', text: '' };
    const messages = await deps.engine.handle({ ...inbound, channel: 'web', userKey, ...(lang ? { localeHint: lang } : {}) });
    res.json({ messages });
  });

  router.get('/api/chat/events', (req, res) => {
    const sid = readCookie(req, WEB_COOKIE);
    if (!sid) {
      res.status(401).json({ error: 'no_session' });
      return;
    }
    deps.hub.add(deps.userKey('web', sid), res);
  });

  return router;
}
