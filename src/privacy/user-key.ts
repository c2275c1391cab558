/**
 * Pseudonymous user keys: HMAC-SHA256 of (channel, platform user id) under a secret. The platform id itself
 * is never stored as a key, logged or shown to helpers. See SECURITY.md.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type UserKeyFn = (channel: string, platformId: string) => string;

export function createUserKeys(secret: string): UserKeyFn {
  return (channel, platformId) => createHmac('sha256', secret).update(`${channel}\u0000${platformId}`).digest('base64url').slice(0, 32);
}

/** Reads the secret from config, or from (and on first start, into) `<dataDir>/user-key.secret`. */
export function resolveUserKeySecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, 'user-key.secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
