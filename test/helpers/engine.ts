/** Builds an engine over in-memory fakes of the ports, with a fake clock. */
import { join } from 'node:path';
import { loadContent } from '../../src/content/loader.ts';
import type { ContentSnapshot } from '../../src/core/content-types.ts';
import { createEngine, type Engine } from '../../src/core/engine.ts';
import type { Inbound, Outbound } from '../../src/core/messages.ts';
import type { Logger, Notifier } from '../../src/core/ports.ts';
import { createI18n } from '../../src/i18n/i18n.ts';
import { createCrisisDetector } from '../../src/search/crisis.ts';
import { createMatcher } from '../../src/search/matcher.ts';
import { createMemoryStore } from './memory-store.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const MINI = join(ROOT, 'test', 'fixtures', 'content-mini');

export function loadSnapshot(dir: string): ContentSnapshot {
  const r = loadContent(dir);
  if (!r.snapshot) throw new Error(r.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`).join('\n'));
  return r.snapshot;
}

export function captureLogger(): Logger & { lines: { level: string; obj: object; msg?: string | undefined }[] } {
  const lines: { level: string; obj: object; msg?: string | undefined }[] = [];
  const log = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export async function testEngine(opts: { dir?: string; notifier?: Notifier; snapshot?: ContentSnapshot } = {}) {
  let snapshot = opts.snapshot ?? loadSnapshot(opts.dir ?? MINI);
  const store = createMemoryStore();
  const clock = {
    t: Date.UTC(2026, 10, 22, 10, 0),
    now() {
      return this.t;
    },
  };
  const logger = captureLogger();
  const i18n = await createI18n(join(ROOT, 'locales'));
  let matcher = createMatcher(snapshot);
  let crisis = createCrisisDetector(snapshot.crisis);
  const engine: Engine = createEngine({
    store,
    content: { current: () => snapshot },
    matcher: { match: (l, t) => matcher.match(l, t) },
    crisis: { detect: (t) => crisis.detect(t) },
    notifier: opts.notifier ?? { requestHuman: async () => ({ status: 'unavailable', messageKey: 'handover.coming_soon' }) },
    clock,
    i18n,
    logger,
    textVars: { transcript_days: 30, session_days: 90, unanswered_days: 90 },
  });
  let n = 0;
  const send = (payload: Partial<Inbound> & { kind: Inbound['kind'] }, user = 'u1'): Promise<Outbound[]> =>
    engine.handle({ channel: 'cli', userKey: user, messageId: `m${n++}`, ...payload } as Inbound);
  return {
    engine,
    store,
    clock,
    logger,
    i18n,
    send,
    text: (text: string, user?: string) => send({ kind: 'text', text } as Inbound, user),
    choose: (id: string, user?: string) => send({ kind: 'choice', id } as Inbound, user),
    setSnapshot(s: ContentSnapshot) {
      snapshot = s;
      matcher = createMatcher(s);
      crisis = createCrisisDetector(s.crisis);
    },
    get snapshot() {
      return snapshot;
    },
  };
}

/** All choice ids offered in a reply. */
export function choiceIds(out: Outbound[]): string[] {
  return out.flatMap((m) => (m.kind === 'choices' ? m.choices.map((c) => c.id) : []));
}

export function texts(out: Outbound[]): string {
  return out.map((m) => ('text' in m ? m.text : '')).join('\n');
}
