/**
 * Webhook signature check: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body under the app secret>`.
 * Meta has documented that it signs an escaped-unicode form of the payload (non-ASCII as `\uXXXX`, lower-case hex),
 * so a body with Arabic or Tigrinya text may arrive with a signature over that form; both forms are accepted.
 * Comparisons are constant-time.
 * @see https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER_RE = /^sha256=([0-9a-fA-F]{64})$/;

/** The body with every UTF-16 code unit above U+007F written as `\uXXXX` (lower-case hex), as PHP's json_encode does. */
export function escapeNonAscii(body: string): string {
  return body.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function sign(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function same(expected: Buffer, hex: string): boolean {
  const given = Buffer.from(hex.toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** True when `header` is a valid signature of `raw` (or of its escaped-unicode form) under `secret`. */
export function verifySignature(raw: Buffer, header: string | undefined, secret: string): boolean {
  const m = typeof header === 'string' ? HEADER_RE.exec(header.trim()) : null;
  const hex = m?.[1];
  if (!hex) return false;
  if (same(createHmac('sha256', secret).update(raw).digest(), hex)) return true;
  const text = raw.toString('utf8');
  if (!/[^\u0000-\u007f]/.test(text)) return false;
  return same(createHmac('sha256', secret).update(escapeNonAscii(text)).digest(), hex);
}
