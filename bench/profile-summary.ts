/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. `npm run -s bench -- --profile` writes the app's to
 * bench/profiles/): self time by package or source folder, and the hottest functions.
 *   npx --no node bench/profile-summary.ts bench/profiles/<file>.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: an npm package, a folder of src/, Node internals, or a V8 marker like (garbage collector). */
export function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const src = /\/(src\/[^/]+)/.exec(url);
  if (src?.[1]) return src[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[1] ?? url.slice(5)}`;
  return url.split('/').slice(-2).join('/');
}

export function summarise(p: Profile, top = 25) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const f = `${functionName || '(anonymous)'} ${a}:${lineNumber + 1}`;
    fns.set(f, (fns.get(f) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((x, y) => y[1] - x[1])
      .slice(0, top)
      .map(([k, v]) => ({ what: k, ms: Math.round(v / 1000), pct: Math.round((v / total) * 1000) / 10 }));
  // Inclusive time per function (self time of the node and everything it called), recursion counted once.
  const children = new Map(p.nodes.map((n) => [n.id, n.children ?? []]));
  const inclusive = new Map<string, number>();
  const key = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${area(n.callFrame.url, n.callFrame.functionName)}:${n.callFrame.lineNumber + 1}`;
  const walk = (id: number, open: Set<string>): number => {
    const n = byId.get(id);
    if (!n) return 0;
    let t = self.get(id) ?? 0;
    const k = key(n);
    const fresh = !open.has(k);
    if (fresh) open.add(k);
    for (const c of children.get(id) ?? []) t += walk(c, open);
    if (fresh) {
      open.delete(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + t);
    }
    return t;
  };
  const rootId = p.nodes[0]?.id;
  if (rootId !== undefined) walk(rootId, new Set());
  return { totalMs: Math.round(total / 1000), areas: rows(areas), functions: rows(fns), inclusive: rows(inclusive) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: bench/profile-summary.ts <file.cpuprofile> [--top N]');
  const i = process.argv.indexOf('--top');
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, i > 0 ? Number(process.argv[i + 1]) : 25);
  console.log(`total sampled: ${s.totalMs} ms`);
  console.log('\nself time by area:');
  for (const r of s.areas) console.log(`${String(r.pct).padStart(6)}%  ${String(r.ms).padStart(7)} ms  ${r.what}`);
  console.log('\nhottest functions (self time):');
  for (const r of s.functions) console.log(`${String(r.pct).padStart(6)}%  ${String(r.ms).padStart(7)} ms  ${r.what}`);
  console.log('\nfunctions by inclusive time (with everything they call):');
  for (const r of s.inclusive) console.log(`${String(r.pct).padStart(6)}%  ${String(r.ms).padStart(7)} ms  ${r.what}`);
}
