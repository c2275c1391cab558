/**
 * Webhook mode: `POST /webhooks/telegram`, protected by the secret token Telegram sends in
 * `X-Telegram-Bot-Api-Secret-Token` (set with `setWebhook(secret_token)`). A wrong or missing secret is answered
 * with 401 before the body is even parsed; nothing is processed.
 * @see https://core.telegram.org/bots/api#setwebhook
 * @see https://grammy.dev/guide/deployment-types#how-to-use-webhooks
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { type Bot, webhookCallback } from 'grammy';

export const WEBHOOK_PATH = '/webhooks/telegram';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Constant-time comparison of the secret header (hashing first makes lengths equal). */
export function secretMatches(header: unknown, secret: string): boolean {
  if (typeof header !== 'string' || !header) return false;
  const a = createHash('sha256').update(header).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

export interface WebhookRouterDeps {
  bot: Bot;
  secret: string;
  /**
   * How long the request may wait for the engine before answering 200 anyway (default 8 s; the update keeps being
   * processed). Replies are sent after the response, from the per-chat queue.
   */
  timeoutMs?: number;
}

export function createWebhookRouter(deps: WebhookRouterDeps): Router {
  const router = express.Router();
  const checkSecret: RequestHandler = (req, res, next) => {
    if (!secretMatches(req.header(SECRET_HEADER), deps.secret)) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    next();
  };
  // Telegram updates are small; 1 MB leaves room for long texts and big inline payloads.
  const parse = express.json({ limit: '1mb' });
  const handle = webhookCallback(deps.bot, 'express', {
    secretToken: deps.secret,
    onTimeout: 'return',
    timeoutMilliseconds: deps.timeoutMs ?? 8_000,
  });
  router.post(WEBHOOK_PATH, checkSecret, parse, async (req, res) => {
    if (!req.body || typeof req.body !== 'object' || typeof req.body.update_id !== 'number') {
      res.status(400).json({ error: 'bad_request' });
      return;
    }
    await handle(req, res);
  });
  return router;
}
