import { createHash } from 'node:crypto';

/** A stable signed 32-bit integer for a lock name (PostgreSQL advisory locks take integers). */
export function shortHashInt(name: string): number {
  return createHash('sha256').update(name).digest().readInt32BE(0);
}
