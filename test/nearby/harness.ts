/**
 * An engine over the real content with this flows (help nearby, questionnaires, listen, feedback), an
 * in-memory store, a captured logger and a fake clock — the same flows `wire()` passes to the engine.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { loadContent } from '../../src/content/loader.ts';
import type { Flow } from '../../src/core/context.ts';
import { createEngine } from '../../src/core/engine.ts';
import type { Inbound, Outbound } from '../../src/core/messages.ts';
import type { HandoverRequest } from '../../src/core/ports.ts';
import { parseSession, type SessionData } from '../../src/core/session.ts';
import { createFeedbackFlow } from '../../src/feedback/flow.ts';
import { createI18n } from '../../src/i18n/i18n.ts';
import { createListenFlow } from '../../src/media/listen-flow.ts';
import { createNearbyFlows } from '../../src/nearby/flow.ts';
import { createQuestionnaireFlow } from '../../src/questionnaire/flow.ts';
import { createCrisisDetector } from '../../src/search/crisis.ts';
import { createMatcher } from '../../src/search/matcher.ts';
import { captureLogger, loadSnapshot, MINI, ROOT } from '../helpers/engine.ts';
import { createMemoryStore } from '../helpers/memory-store.ts';

/**
 * A private copy of the real content folder taken once per test file, so edits other people make while tests run
 * cannot change it halfway. If other work has left the crisis lists invalid for a moment, the copy gets minimal
 * valid ones: these tests are about this content (social map, questionnaires, media), which must validate.
 */
function contentForTests(): string {
  const copy = mkdtempSync(join(tmpdir(), 'wegwijs-content-'));
  process.on('exit', () => rmSync(copy, { recursive: true, force: true }));
  cpSync(join(ROOT, 'content'), copy, { recursive: true });
  const first = loadContent(copy);
  if (first.snapshot || !first.errors.every((e) => e.file.includes(`${sep}crisis${sep}`))) return copy;
  rmSync(join(copy, 'crisis'), { recursive: true, force: true });
  cpSync(join(MINI, 'crisis'), join(copy, 'crisis'), { recursive: true });
  for (const l of LOCALES) {
    if (!existsSync(join(copy, 'crisis', `${l}.yaml`)))
      writeFileSync(join(copy, 'crisis', `${l}.yaml`), 'signals: { suicide: [], self_harm: [], danger: [], violence: [] }\n');
  }
  return copy;
}

export const LOCALES = ['nl', 'en', 'ar', 'ti', 'fa', 'prs', 'so', 'tr', 'uk'] as const;
export const CONTENT = contentForTests();
let cached: ReturnType<typeof loadSnapshot> | null = null;
const cachedSnapshot = () => (cached ??= loadSnapshot(CONTENT));

/** The UTC instant at which the Amsterdam wall clock shows this date and time. */
export function ams(y: number, month: number, d: number, h: number, min = 0): number {
  for (const offset of [1, 2]) {
    const t = Date.UTC(y, month - 1, d, h - offset, min);
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Amsterdam',
      hour: '2-digit',
      minute: '2-digit',
      day: '2-digit',
      hourCycle: 'h23',
    }).format(t);
    if (parts === `${String(d).padStart(2, '0')}, ${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`) return t;
  }
  throw new Error('no such Amsterdam time');
}

export async function flowEngine(opts: { now?: number; flows?: Flow[] } = {}) {
  const snapshot = cachedSnapshot();
  const store = createMemoryStore();
  const clock = {
    t: opts.now ?? ams(2026, 11, 23, 10),
    now() {
      return this.t;
    },
  };
  const logger = captureLogger();
  const i18n = await createI18n(join(ROOT, 'locales'));
  const matcher = createMatcher(snapshot);
  const crisis = createCrisisDetector(snapshot.crisis);
  const requests: HandoverRequest[] = [];
  const engine = createEngine({
    store,
    content: { current: () => snapshot },
    matcher,
    crisis,
    notifier: {
      requestHuman: async (r) => {
        requests.push(r);
        return { status: 'unavailable', messageKey: 'handover.coming_soon' };
      },
    },
    clock,
    i18n,
    logger,
    textVars: { transcript_days: 30, session_days: 90, unanswered_days: 90 },
    // These tests walk through every topic and question quickly; flood control is tested elsewhere.
    flood: { max: 100_000, windowMs: 60_000 },
    flows: opts.flows ?? [...createNearbyFlows(), createQuestionnaireFlow(), createListenFlow(), createFeedbackFlow()],
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
    snapshot,
    requests,
    marker: snapshot.marker,
    send,
    text: (text: string, user?: string) => send({ kind: 'text', text } as Inbound, user),
    choose: (id: string, user?: string) => send({ kind: 'choice', id } as Inbound, user),
    location: (lat: number, lon: number, user?: string) => send({ kind: 'location', lat, lon } as Inbound, user),
    async session(user = 'u1'): Promise<SessionData> {
      const row = await store.getSession(user);
      const s = row ? parseSession(row.data) : null;
      if (!s) throw new Error('no session');
      return s;
    },
  };
}

export type FlowEngine = Awaited<ReturnType<typeof flowEngine>>;

export const ids = (out: Outbound[]) => out.flatMap((m) => (m.kind === 'choices' ? m.choices.map((c) => c.id) : []));
export const texts = (out: Outbound[]) => out.map((m) => ('text' in m ? m.text : m.kind === 'media' ? (m.caption ?? '') : '')).join('\n');
/** No i18n key leaked as text (a missing translation would show as "nearby.something"). */
export const leakedKeys = (out: Outbound[]) =>
  [texts(out), ...out.flatMap((m) => (m.kind === 'choices' ? m.choices.map((c) => c.label) : m.kind === 'request-location' ? [m.buttonLabel] : []))]
    .join('\n')
    .match(/\b(?:nearby|questionnaire|feedback|media)\.[a-z_.-]+/g) ?? [];
