/**
 * The benchmark keeps working: a short run (`--quick`, figures not meaningful) prints the specified JSON object on
 * its last line, with every answer checked (no errors). The real figures are in docs/benchmark.md.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { NODE24 } from '../helpers/child-app.ts';
import { ROOT } from '../helpers/engine.ts';

it('npm run -s bench -- --json (quick) prints the JSON line with all fields and no errors', async () => {
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(NODE24, ['--disable-warning=ExperimentalWarning', 'bench/run.ts', '--json', '--quick'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    p.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  const lines = out.stdout.trim().split('\n');
  expect(lines.some((l) => l.includes('FLOOD_MAX_PER_MINUTE'))).toBe(true);
  const r = JSON.parse(lines.at(-1) ?? '') as Record<string, Record<string, number> | number>;
  expect(Object.keys(r)).toEqual(['webhook', 'latency', 'baseline', 'ratio', 'match', 'rss_mb']);
  expect(Object.keys(r.webhook as object)).toEqual(['users', 'messages', 'msgs_per_s', 'errors']);
  expect(Object.keys(r.latency as object)).toEqual(['rate_per_s', 'p50_ms', 'p99_ms']);
  expect(Object.keys(r.baseline as object)).toEqual(['msgs_per_s', 'latency_p99_ms']);
  expect(Object.keys(r.match as object)).toEqual(['items', 'p99_ms', 'large_items', 'large_p99_ms']);
  expect(r.webhook).toMatchObject({ users: 50, errors: 0 });
  expect((r.webhook as Record<string, number>).messages).toBeGreaterThan(0);
  expect((r.latency as Record<string, number>).rate_per_s).toBe(100);
  expect((r.baseline as Record<string, number>).msgs_per_s).toBeGreaterThan(0);
  expect(r.ratio).toBeGreaterThan(0);
  expect((r.match as Record<string, number>).large_items).toBe(20 * ((r.match as Record<string, number>).items ?? 0));
  expect(r.rss_mb).toBeGreaterThan(20);
}, 180_000);
