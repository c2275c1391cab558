import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveContent, type LiveContent } from '../../src/content/store.ts';
import { startApp } from '../helpers/app.ts';
import { captureLogger, MINI } from '../helpers/engine.ts';

let dir = '';
let live: LiveContent | null = null;
afterEach(() => {
  live?.close();
  live = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});
function setup() {
  dir = mkdtempSync(join(tmpdir(), 'wegwijs-live-'));
  cpSync(MINI, dir, { recursive: true });
  const logger = captureLogger();
  live = createLiveContent({ dir, logger, debounceMs: 50 });
  return { live, logger };
}
const bump = (v: string) =>
  writeFileSync(join(dir, 'manifest.yaml'), readFileSync(join(dir, 'manifest.yaml'), 'utf8').replace(/^version: .*$/m, `version: ${v}`));

describe('live content reload', () => {
  it('swaps in a valid change', () => {
    const { live } = setup();
    expect(live.current().version).toBe('2026.1.0');
    bump('2026.1.1');
    writeFileSync(
      join(dir, 'topics/huisarts/nl.yaml'),
      readFileSync(join(dir, 'topics/huisarts/nl.yaml'), 'utf8').replace('je eerste stop.', 'je eerste stop, ook bij stress.'),
    );
    expect(live.reload()).toBe(true);
    expect(live.current().version).toBe('2026.1.1');
    expect(live.current().topics.get('huisarts')?.texts.nl?.body).toContain('ook bij stress');
  });

  it('rejects a bad change, logs file:line:col, and keeps the last good version serving', () => {
    const { live, logger } = setup();
    const before = live.current();
    bump('2026.1.2');
    writeFileSync(join(dir, 'topics/emergency/en.yaml'), 'title: x\nsummary: y\nbody: z\nquestions: [q]\nbogus: 1\nreview:\n  status: draft\n');
    expect(live.reload()).toBe(false);
    expect(live.current()).toBe(before);
    expect(live.current().version).toBe('2026.1.0');
    const rejected = live.lastRejected();
    expect(rejected?.errors[0]).toMatch(/topics\/emergency\/en\.yaml:5:1: unknown key "bogus"$/);
    expect(logger.lines.some((l) => l.level === 'error')).toBe(true);
  });

  it('picks up a saved file by itself (file watcher)', async () => {
    const { live } = setup();
    live.watch();
    bump('2026.1.3');
    await expect.poll(() => live.current().version, { timeout: 5000 }).toBe('2026.1.3');
  });

  it('keeps answering users with the old version while a bad change is rejected, and /readyz shows the attempt', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wegwijs-live-app-'));
    cpSync(MINI, dir, { recursive: true });
    const app = await startApp({ CONTENT_DIR: dir });
    try {
      writeFileSync(join(dir, 'menu.yaml'), 'categories: [');
      expect(app.wired.content.reload()).toBe(false);
      const ready = (await (await fetch(`${app.url}/readyz`)).json()) as { content: { version: string }; lastRejected: { errors: string[] } };
      expect(ready.content.version).toBe('2026.1.0');
      expect(ready.lastRejected.errors[0]).toMatch(/menu\.yaml:1:\d+: YAML syntax/);
      const out = await app.wired.engine.handle({ channel: 'cli', userKey: 'r', kind: 'choice', id: 'lang:nl' });
      expect(out.length).toBeGreaterThan(0);
    } finally {
      await app.stop();
    }
  });
});
