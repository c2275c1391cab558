/**
 * `content stamp`: records in a translation which Dutch source revision it was translated from.
 * Edits only the `review.source_hash` line, keeping the rest of the file as the translator wrote it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { ContentSnapshot } from '../core/content-types.ts';

export function stampTranslation(dir: string, snapshotSourceHash: string, topicId: string, locale: string): void {
  const file = join(dir, 'topics', topicId, `${locale}.yaml`);
  const text = readFileSync(file, 'utf8');
  const doc = parseDocument(text);
  if (doc.getIn(['review', 'source_hash']) === snapshotSourceHash) return;
  if (/^\s+source_hash:.*$/m.test(text)) {
    writeFileSync(file, text.replace(/^(\s+)source_hash:.*$/m, `$1source_hash: ${snapshotSourceHash}`));
    return;
  }
  const m = /^review:\s*\n((?:[ \t]+.*\n?)*)/m.exec(text);
  if (!m) throw new Error(`${file}: no review block`);
  const indent = /^([ \t]+)/.exec(m[1] ?? '')?.[1] ?? '  ';
  const block = (m[1] ?? '').replace(/\n?$/, '\n');
  writeFileSync(file, text.replace(m[0], `review:\n${block}${indent}source_hash: ${snapshotSourceHash}\n`));
}

export function stampAll(dir: string, s: ContentSnapshot, filter?: { topic?: string; locale?: string }): number {
  let n = 0;
  for (const topic of s.topics.values()) {
    if (filter?.topic && topic.id !== filter.topic) continue;
    const source = topic.texts[s.sourceLocale];
    if (!source) continue;
    for (const t of Object.values(topic.texts)) {
      if (t.locale === s.sourceLocale || (filter?.locale && t.locale !== filter.locale)) continue;
      if (t.review.sourceHash === source.hash) continue;
      stampTranslation(dir, source.hash, topic.id, t.locale);
      n++;
    }
  }
  return n;
}
