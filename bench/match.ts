/**
 * Matcher benchmark: index build time and per-query latency (p50/p99) on the shipped catalogue and on a synthetic
 * catalogue 20× larger, plus fuse.js on the same task for comparison (the README explains the choice).
 * `npx --no node bench/match.ts [--json]`
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fuse from 'fuse.js';
import { loadContent } from '../src/content/loader.ts';
import type { ContentSnapshot, Topic } from '../src/core/content-types.ts';
import type { EvalSet } from '../src/search/evaluate.ts';
import { createMatcher } from '../src/search/matcher.ts';
import { normalize } from '../src/search/normalize.ts';

const root = join(import.meta.dirname, '..');

export function enlarge(s: ContentSnapshot, factor: number): ContentSnapshot {
  const topics = new Map<string, Topic>();
  for (let i = 0; i < factor; i++) {
    for (const t of s.topics.values()) {
      const id = i === 0 ? t.id : `${t.id}-x${i}`;
      const texts = Object.fromEntries(
        Object.entries(t.texts).map(([l, x]) => [
          l,
          {
            ...x,
            title: i ? `${x.title} ${i}` : x.title,
            questions: x.questions.map((q) => (i ? `${q} v${i}` : q)),
            keywords: x.keywords.map((k) => (i ? `${k}${i}` : k)),
          },
        ]),
      );
      topics.set(id, { ...t, id, texts });
    }
  }
  return { ...s, topics };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

export function loadQueries(): { locale: string; text: string }[] {
  const dir = join(root, 'test', 'fixtures', 'eval');
  return readdirSync(dir).flatMap((f) => {
    const s = JSON.parse(readFileSync(join(dir, f), 'utf8')) as EvalSet;
    return [...s.questions.map((q) => q.text), ...s.out_of_scope].map((text) => ({ locale: s.locale, text }));
  });
}

export function benchMatcher(snapshot: ContentSnapshot, queries: { locale: string; text: string }[], rounds = 3) {
  const t0 = performance.now();
  const m = createMatcher(snapshot);
  const buildMs = performance.now() - t0;
  for (const q of queries.slice(0, 50)) m.match(q.locale, q.text); // warm-up
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const s = performance.now();
      m.match(q.locale, q.text);
      times.push(performance.now() - s);
    }
  }
  return { items: snapshot.topics.size, buildMs, p50: percentile(times, 50), p99: percentile(times, 99), n: times.length };
}

function benchFuse(snapshot: ContentSnapshot, queries: { locale: string; text: string }[]) {
  const byLocale = new Map<string, Fuse<{ id: string; text: string }>>();
  const t0 = performance.now();
  for (const loc of snapshot.locales) {
    const docs = [...snapshot.topics.values()].flatMap((t) => {
      const x = t.texts[loc.code];
      return x ? [x.title, ...x.questions, ...x.keywords].map((text) => ({ id: t.id, text: normalize(text) })) : [];
    });
    byLocale.set(loc.code, new Fuse(docs, { keys: ['text'], includeScore: true, ignoreLocation: true, threshold: 0.4 }));
  }
  const buildMs = performance.now() - t0;
  const times: number[] = [];
  for (const q of queries) {
    const s = performance.now();
    byLocale.get(q.locale)?.search(normalize(q.text), { limit: 5 });
    times.push(performance.now() - s);
  }
  return { buildMs, p50: percentile(times, 50), p99: percentile(times, 99) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = loadContent(process.env.CONTENT_DIR ?? join(root, 'content'));
  if (!r.snapshot) throw new Error('content invalid');
  const queries = loadQueries();
  const shipped = benchMatcher(r.snapshot, queries);
  const large = benchMatcher(enlarge(r.snapshot, 20), queries, 1);
  const fuse = benchFuse(r.snapshot, queries);
  const out = { shipped, large, fuse };
  if (process.argv.includes('--json')) console.log(JSON.stringify(out));
  else {
    console.log(
      `MiniSearch/BM25, shipped catalogue: ${shipped.items} topics × 9 locales, build ${shipped.buildMs.toFixed(1)} ms, p50 ${shipped.p50.toFixed(3)} ms, p99 ${shipped.p99.toFixed(3)} ms over ${shipped.n} queries`,
    );
    console.log(
      `MiniSearch/BM25, 20× catalogue: ${large.items} topics × 9 locales, build ${large.buildMs.toFixed(1)} ms, p50 ${large.p50.toFixed(3)} ms, p99 ${large.p99.toFixed(3)} ms`,
    );
    console.log(`fuse.js on the same documents (shipped): build ${fuse.buildMs.toFixed(1)} ms, p50 ${fuse.p50.toFixed(3)} ms, p99 ${fuse.p99.toFixed(3)} ms`);
  }
}
