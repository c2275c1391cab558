/**
 * The webhook endpoint, `GET` and `POST /webhooks/whatsapp`.
 * - GET: subscription check; `hub.mode=subscribe` and the right `hub.verify_token` → 200 with the raw
 *   `hub.challenge`, otherwise 403.
 * - POST: the raw body is read (size-limited), its `X-Hub-Signature-256` checked before anything else (401 and
 *   nothing processed when missing or wrong), then parsed (400 on bad JSON), stored, and only then answered 200.
 * @see https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import type { Clock, Logger } from '../../core/ports.ts';
import type { Intake } from './intake.ts';
import { parseWebhook } from './parse-webhook.ts';
import { verifySignature } from './signature.ts';
import type { WebhookBody } from './types.ts';

export const WEBHOOK_PATH = '/webhooks/whatsapp';

export interface WebhookRouteDeps {
  appSecret: string;
  verifyToken: string;
  phoneNumberId: string;
  intake: Intake;
  clock: Clock;
  logger: Logger;
  /** Called after a POST stored something, to wake the worker. */
  onStored(): void;
  /** Maximum body size; Meta's payloads are a few kilobytes. */
  limit?: string;
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createWebhookRouter(deps: WebhookRouteDeps): Router {
  const router = express.Router();
  const { logger } = deps;

  router.get(WEBHOOK_PATH, (req, res) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    const ok = mode === 'subscribe' && typeof token === 'string' && sameString(token, deps.verifyToken);
    if (!ok || typeof challenge !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(challenge)) {
      logger.warn({ event: 'wa_verify_refused' }, 'webhook verification refused');
      res.status(403).type('text/plain').send('forbidden');
      return;
    }
    logger.info({ event: 'wa_verified' }, 'webhook verified');
    res.status(200).type('text/plain').send(challenge);
  });

  router.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: deps.limit ?? '1mb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifySignature(raw, req.get('x-hub-signature-256'), deps.appSecret)) {
      logger.warn({ event: 'wa_bad_signature', bytes: raw.length }, 'webhook signature missing or wrong');
      res.status(401).json({ error: 'bad_signature' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    const b = body as WebhookBody;
    if (b.object !== 'whatsapp_business_account') {
      logger.info({ event: 'wa_other_object' }, 'webhook for another object ignored');
      res.sendStatus(200);
      return;
    }
    const parsed = parseWebhook(b, deps.phoneNumberId, deps.clock.now());
    const r = await deps.intake(parsed);
    if (parsed.skipped) logger.warn({ event: 'wa_skipped', count: parsed.skipped }, 'malformed or foreign webhook parts skipped');
    if (r.stored) deps.onStored();
    res.sendStatus(200);
  });

  return router;
}
