/**
 * The `privacy` topic states the configured retention: rendered through the engine with non-default settings
 * (12/34/56 days) in all nine locales, each number appears where its placeholder was, nothing is left unrendered,
 * and the page offers the "delete my data" button in the user's language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inbound, Outbound } from '../../src/core/messages.ts';
import { createI18n } from '../../src/i18n/i18n.ts';
import { CONTENT_DIR } from '../handover/support.ts';
import { type RunningApp, startApp } from '../helpers/app.ts';
import { ROOT } from '../helpers/engine.ts';

const LOCALES = ['nl', 'en', 'ar', 'ti', 'fa', 'prs', 'so', 'tr', 'uk'];
let app: RunningApp;
let i18n: Awaited<ReturnType<typeof createI18n>>;

beforeAll(async () => {
  i18n = await createI18n(`${ROOT}/locales`);
  app = await startApp(
    { CONTENT_DIR, CONTENT_WATCH: 'false', RETENTION_TRANSCRIPT_DAYS: '12', RETENTION_SESSION_DAYS: '34', RETENTION_UNANSWERED_DAYS: '56' },
    { memory: true },
  );
});
afterAll(async () => {
  await app?.stop();
});

const textOf = (out: Outbound[]) => out.map((m) => ('text' in m ? m.text : '')).join('\n');

describe('privacy topic', () => {
  it.each(LOCALES)('states the configured retention days in %s', async (locale) => {
    const snapshot = app.wired.content.current();
    const source = snapshot.topics.get('privacy')?.texts[locale];
    expect(source?.body, `${locale} has its own privacy text`).toBeDefined();
    // Each placeholder is used in the source text, so each configured number has a place to appear.
    for (const v of ['transcript_days', 'session_days', 'unanswered_days']) expect(source?.body).toContain(`{{${v}}}`);

    const send = (p: Record<string, unknown>) => app.wired.engine.handle({ channel: 'web', userKey: `privacy-${locale}`, ...p } as Inbound);
    await send({ kind: 'choice', id: `lang:${locale}` });
    const out = await send({ kind: 'choice', id: `topic:privacy~${snapshot.marker}` });
    const text = textOf(out);
    for (const n of ['12', '34', '56']) expect(text, `${locale}: ${n}`).toMatch(new RegExp(`(^|\\D)${n}(\\D|$)`));
    expect(text, `${locale}: no default left`).not.toMatch(/(^|\D)90(\D|$)/);
    expect(text).not.toContain('{{');
    expect(text).toContain('/forget');
    const offered = out.flatMap((m) => (m.kind === 'choices' ? m.choices : []));
    const forget = offered.find((c) => c.id === 'forget:ask');
    expect(forget?.label).toBe(i18n.t(locale, 'forget.button'));
    expect(text).toContain(forget?.label ?? '-'); // the text names the button exactly as it is labelled
  });
});
