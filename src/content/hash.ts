import { createHash } from 'node:crypto';

/** Revision of a text: a short hash of what a reader sees (title, summary, body). */
export function textHash(t: { title: string; summary: string; body: string }): string {
  return createHash('sha256').update(`${t.title.trim()}\n${t.summary.trim()}\n${t.body.trim()}`).digest('hex').slice(0, 12);
}

export function shortHash(s: string, len = 6): string {
  return createHash('sha256').update(s).digest('hex').slice(0, len);
}
