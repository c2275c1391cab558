/**
 * End to end through `wire()`: the real app with the real content, the WhatsApp channel switched on by
 * configuration, webhooks signed like Meta's, and the fake Graph API recording what a user would see.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../../src/channels/whatsapp/signature.ts';
import type { WaInteractive, WaMessage } from '../../../src/channels/whatsapp/types.ts';
import { createI18n } from '../../../src/i18n/i18n.ts';
import { type RunningApp, startApp } from '../../helpers/app.ts';
import { ROOT } from '../../helpers/engine.ts';
import { type FakeGraph, type SentMessage, startFakeGraph } from '../../helpers/fake-graph.ts';
import { fixture, nextWamid, PHONE_ID, SECRET, USER_A, VERIFY } from './harness.ts';

let graph: FakeGraph;
let app: RunningApp;
let i18n: Awaited<ReturnType<typeof createI18n>>;

beforeAll(async () => {
  graph = await startFakeGraph();
  i18n = await createI18n(join(ROOT, 'locales'));
  app = await startApp({
    WHATSAPP_TOKEN: graph.token,
    WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
    WHATSAPP_APP_SECRET: SECRET,
    WHATSAPP_VERIFY_TOKEN: VERIFY,
    WHATSAPP_API_BASE: graph.url,
    WHATSAPP_API_VERSION: 'v23.0',
  });
  await app.wired.start();
});
afterAll(async () => {
  await app?.stop();
  await graph?.close();
});

async function post(name: string, vars: Record<string, string | number> = {}): Promise<number> {
  const raw = fixture(name, { WAMID: nextWamid(), TS: Math.floor(Date.now() / 1000), ...vars });
  const res = await fetch(`${app.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(Buffer.from(raw), SECRET) },
    body: raw,
  });
  return res.status;
}

/** What the user receives for one message: everything sent until the app has been quiet for a moment. */
async function answer(name: string, vars: Record<string, string | number> = {}): Promise<WaMessage[]> {
  const start = graph.sent.length;
  expect(await post(name, vars)).toBe(200);
  await graph.waitForSent(start + 1);
  let n = -1;
  while (n !== graph.sent.length) {
    n = graph.sent.length;
    await new Promise((r) => setTimeout(r, 250));
  }
  const got = graph.sent.slice(start);
  expect(got.every((m: SentMessage) => m.to === USER_A)).toBe(true);
  return got.map((m) => m.body as unknown as WaMessage);
}

const inter = (m: WaMessage | undefined): WaInteractive['interactive'] | undefined => (m?.type === 'interactive' ? m.interactive : undefined);
const rowIds = (m: WaMessage | undefined): string[] => {
  const i = inter(m);
  if (i?.type === 'list') return i.action.sections.flatMap((s) => s.rows.map((r) => r.id));
  if (i?.type === 'button') return i.action.buttons.map((b) => b.reply.id);
  return [];
};
const allText = (ms: WaMessage[]) => ms.map((m) => (m.type === 'text' ? m.text.body : (inter(m)?.body.text ?? ''))).join('\n');
const marker = () => app.wired.content.current().marker;

describe('WhatsApp end to end (real content, fake Graph API)', () => {
  it('is switched on by configuration and answers the subscription check', async () => {
    const r = await fetch(`${app.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=42`);
    expect(await r.text()).toBe('42');
  });

  it('a first message gets the language list, each language in its own script', async () => {
    const out = await answer('text', { TEXT: 'hallo' });
    expect(out).toHaveLength(1);
    const list = inter(out[0]);
    expect(list?.type).toBe('list');
    if (list?.type !== 'list') return;
    expect(list.action.sections[0]?.rows.map((r) => r.title)).toEqual([
      'Nederlands',
      'English',
      'العربية',
      'ትግርኛ',
      'فارسی',
      'دری',
      'Soomaali',
      'Türkçe',
      'Українська',
    ]);
    expect(list.action.button.length).toBeLessThanOrEqual(20);
  });

  it('choosing Arabic from the list: welcome and main menu arrive as one list message in Arabic', async () => {
    const out = await answer('interactive-list-reply', { CHOICE_ID: 'lang:ar', TITLE: 'العربية' });
    expect(out).toHaveLength(1);
    expect(inter(out[0])?.body.text).toContain(i18n.t('ar', 'welcome').slice(0, 20));
    expect(rowIds(out[0]).filter((id) => id.startsWith('cat:')).length).toBe(app.wired.content.current().categories.length);
  });

  it('opens a topic with a long answer: the full text, then the next choices', async () => {
    await answer('interactive-list-reply', { CHOICE_ID: `cat:care-insurance~${marker()}`, TITLE: 'x' });
    const out = await answer('interactive-list-reply', { CHOICE_ID: `topic:health-insurance~${marker()}`, TITLE: 'x' });
    const body = app.wired.content.current().topics.get('health-insurance')?.texts.ar?.body ?? '';
    expect(body.length).toBeGreaterThan(1000);
    const texts = out.filter((m) => m.type === 'text');
    expect(texts.length).toBeGreaterThanOrEqual(1);
    for (const t of texts) expect(t.type === 'text' && t.text.body.length).toBeLessThanOrEqual(4096);
    const firstLine = body.trim().split('\n')[0] ?? '';
    expect(allText(out)).toContain(firstLine);
    // The text comes first; the topic's next choices follow as a native list (other flows may add more after it).
    expect(out[0]?.type).toBe('text');
    const next = out.find((m) => rowIds(m).includes('nav:back'));
    expect(inter(next)?.type).toBe('list');
    expect(rowIds(next)).toEqual(expect.arrayContaining(['nav:back', 'nav:menu', 'nav:person']));
  });

  it('a stale button gets "this menu has changed" and the current menu', async () => {
    const out = await answer('interactive-button-reply', { CHOICE_ID: 'topic:huisarts~0ld0ld', TITLE: 'طبيب' });
    expect(allText(out)).toContain(i18n.t('ar', 'stale.menu_changed'));
    expect(rowIds(out.at(-1)).some((id) => id.startsWith(`cat:`) && id.endsWith(marker()))).toBe(true);
  });

  it('a crisis message gets the crisis card at once, with a button to reach a person', async () => {
    const out = await answer('text', { TEXT: 'أريد أن أموت' });
    const card = allText(out);
    expect(card).toContain('113');
    expect(card).toContain('112');
    const buttons = out.find((m) => inter(m)?.type === 'button');
    expect(rowIds(buttons)).toEqual(['nav:person-urgent', 'nav:menu']);
    expect(out).toHaveLength(1);
  });

  it('the intake queue is empty and holds no message text afterwards', async () => {
    const counts = await app.wired.store.intakeCounts('whatsapp');
    expect(counts.new + counts.ready).toBe(0);
    expect(counts.done).toBe(6);
    const rows = await app.wired.store.db.query<{ payload: string }>("SELECT payload FROM intake WHERE payload <> ''");
    expect(rows).toEqual([]);
  });
});
