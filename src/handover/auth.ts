/**
 * Helper authentication primitives: scrypt password hashes, random tokens stored only as SHA-256, and a small
 * in-memory login rate limiter (per client address and per login name).
 * @see https://nodejs.org/api/crypto.html#cryptoscryptpassword-salt-keylen-options-callback
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;
export const MIN_PASSWORD = 10;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    // Same work as a real check, so timing does not reveal whether the account has a password.
    await scryptAsync(password, Buffer.alloc(16), N, R, P);
    return false;
  }
  const [, n, r, p, salt, hash] = parts;
  const expected = Buffer.from(hash ?? '', 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt ?? '', 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export const newToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
export const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Counts failures in a sliding window; `blocked` once `max` failures happened within `windowMs`. */
export function createRateLimiter(opts: { max: number; windowMs: number; now: () => number }) {
  const hits = new Map<string, number[]>();
  const recent = (k: string) => (hits.get(k) ?? []).filter((t) => t > opts.now() - opts.windowMs);
  return {
    blocked: (k: string) => recent(k).length >= opts.max,
    fail(k: string) {
      const list = recent(k);
      list.push(opts.now());
      hits.set(k, list);
      if (hits.size > 10_000) for (const key of hits.keys()) if (!recent(key).length) hits.delete(key);
    },
    reset: (k: string) => void hits.delete(k),
  };
}
