/**
 * Each part (help nearby, self-check, feedback, listen) in all nine languages through the web chat API and the
 * terminal chat (JSON Lines), on the real wired app; and location sharing through the Telegram and WhatsApp fakes.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJsonlChat } from '../../src/channels/cli/chat.ts';
import { sign } from '../../src/channels/whatsapp/signature.ts';
import type { WaMessage } from '../../src/channels/whatsapp/types.ts';
import type { Outbound } from '../../src/core/messages.ts';
import { createI18n } from '../../src/i18n/i18n.ts';
import { createUserKeys } from '../../src/privacy/user-key.ts';
import { fixture, nextWamid, PHONE_ID, SECRET, USER_A, VERIFY } from '../channels/whatsapp/harness.ts';
import { type RunningApp, startApp } from '../helpers/app.ts';
import { ROOT } from '../helpers/engine.ts';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.ts';
import { buttons, startTelegramApp, type TelegramTestApp, textOf } from '../helpers/fake-telegram-app.ts';
import { tg } from '../helpers/fake-telegram-updates.ts';
import { ams, CONTENT, LOCALES, leakedKeys, texts } from './harness.ts';

const RTL = new Set(['ar', 'fa', 'prs']);
const NEAR_DE_LINDE = { lat: 52.1513, lon: 5.7987 };
let i18n: Awaited<ReturnType<typeof createI18n>>;
let app: RunningApp;
const clock = { now: () => ams(2026, 11, 23, 10) };

beforeAll(async () => {
  i18n = await createI18n(join(ROOT, 'locales'));
  app = await startApp({ CONTENT_DIR: CONTENT, CONTENT_WATCH: 'false' }, { memory: true, clock });
});
afterAll(async () => {
  await app?.stop();
});

/** The conversation every locale walks through; `check` asserts on each reply. */
function script(locale: string, marker: string): { input: Record<string, unknown>; check(out: Outbound[]): void }[] {
  const t = (k: string, v?: Record<string, unknown>) => i18n.t(locale, k, v);
  const inLocale = (out: Outbound[]) => {
    expect(out.length).toBeGreaterThan(0);
    expect(leakedKeys(out)).toEqual([]);
    for (const m of out) expect([m.lang, m.dir]).toEqual([expect.any(String), RTL.has(m.lang) ? 'rtl' : 'ltr']);
  };
  const has = (fragment: string) => (out: Outbound[]) => {
    inLocale(out);
    expect(texts(out)).toContain(fragment);
  };
  const steps: { input: Record<string, unknown>; check(out: Outbound[]): void }[] = [
    { input: { choice: `lang:${locale}` }, check: inLocale },
    {
      input: { choice: 'nb:start' },
      check(out) {
        inLocale(out);
        const ask = out.find((m) => m.kind === 'request-location');
        expect(ask?.kind === 'request-location' && ask.buttonLabel).toBe(t('nearby.share_location'));
      },
    },
    { input: { location: NEAR_DE_LINDE }, check: has(t('nearby.choose_type_near')) },
    {
      input: { choice: 'nb:type:huisarts' },
      check(out) {
        inLocale(out);
        expect(texts(out)).toContain(t('nearby.example_notice'));
        expect(texts(out)).toContain(t('nearby.open_until', { time: '17:00' }));
        expect(texts(out)).toContain(t('nearby.distance_m', { n: 50 }));
        expect(out.every((m) => m.lang === locale)).toBe(true);
      },
    },
    { input: { choice: 'nb:muni:voorbeeldstad' }, check: has(t('nearby.place_saved', { place: 'Voorbeeldstad' })) },
    { input: { choice: 'qn:start:protect' }, check: has(t('questionnaire.progress', { n: 1, total: 10 })) },
  ];
  for (let i = 0; i < 10; i++) {
    steps.push({
      input: { choice: `qn:a:${i}:${i < 5 ? 'yes' : 'no'}` },
      check: i === 9 ? has(t('questionnaire.result_count', { yes: 5, total: 10 })) : inLocale,
    });
  }
  steps.push(
    {
      input: { choice: `topic:sleep~${marker}` },
      check(out) {
        inLocale(out);
        const rows = out.flatMap((m) => (m.kind === 'choices' ? m.choices : []));
        expect(rows.find((c) => c.id === `fb-up:sleep~${marker}`)?.label).toBe(t('feedback.up'));
      },
    },
    { input: { choice: `fb-up:sleep~${marker}` }, check: has(t('feedback.thanks_up')) },
  );
  if (locale === 'nl' || locale === 'ar') {
    steps.push({
      input: { choice: `listen:huisarts~${marker}` },
      check(out) {
        const title = app.wired.content.current().topics.get('huisarts')?.texts[locale]?.title;
        expect(out).toEqual([expect.objectContaining({ kind: 'media', mediaType: 'voice', url: `/media/huisarts-${locale}.ogg` })]);
        expect(texts(out)).toBe(t('media.caption_synthetic', { title }));
      },
    });
  }
  return steps;
}

/**
 * A cookie-keeping web chat client that connects from its own loopback address (127.0.0.x), so the per-address
 * HTTP rate limit (meant for many people behind one address) does not throttle nine users run back to back.
 */
function webClientFrom(base: string, localAddress: string) {
  let cookie = '';
  const url = new URL(`${base}/api/chat/messages`);
  return {
    send(body: unknown): Promise<{ status: number; json: { messages?: unknown[] } }> {
      return new Promise((resolve, reject) => {
        const data = JSON.stringify(body);
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            localAddress,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...(cookie ? { cookie } : {}) },
          },
          (res) => {
            const set = res.headers['set-cookie']?.[0];
            if (set) cookie = set.split(';')[0] ?? '';
            let raw = '';
            res.on('data', (c) => (raw += String(c)));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(raw) as { messages?: unknown[] } }));
          },
        );
        req.on('error', reject);
        req.end(data);
      });
    },
  };
}

describe('all nine languages through the web chat', () => {
  it.each(LOCALES)('%s', async (locale) => {
    const c = webClientFrom(app.url, `127.0.0.${10 + LOCALES.indexOf(locale)}`);
    for (const step of script(locale, app.wired.content.current().marker)) {
      const r = await c.send(step.input);
      expect(r.status).toBe(200);
      step.check((r.json.messages ?? []) as Outbound[]);
    }
  });
});

describe('all nine languages through the terminal chat (JSON Lines)', () => {
  it('runs every locale as its own user', async () => {
    const marker = app.wired.content.current().marker;
    const steps = LOCALES.flatMap((locale) => script(locale, marker).map((s) => ({ ...s, locale })));
    const input = new PassThrough();
    const output = new PassThrough();
    let raw = '';
    output.on('data', (d) => (raw += String(d)));
    input.end(`${steps.map((s) => JSON.stringify({ user: `cli-${s.locale}`, ...s.input })).join('\n')}\n`);
    await runJsonlChat({ engine: app.wired.engine, userKey: createUserKeys('cli-test-secret-0123456789'), input, output });
    const lines = raw
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            reply_to: number;
            text: string;
            lang: string;
            dir: string;
            choices: { id: string; label: string }[];
            media?: { type: string; url: string };
            request_location?: boolean;
          },
      );
    steps.forEach((step, i) => {
      // Rebuild Outbound-like messages from the JSON Lines output to reuse the same checks.
      const out = lines
        .filter((l) => l.reply_to === i)
        .map((l): Outbound => {
          if (l.media) return { kind: 'media', mediaType: l.media.type as 'voice', url: l.media.url, caption: l.text, lang: l.lang, dir: l.dir as 'ltr' };
          if (l.request_location)
            return { kind: 'request-location', text: l.text, buttonLabel: i18n.t(step.locale, 'nearby.share_location'), lang: l.lang, dir: l.dir as 'ltr' };
          if (l.choices.length) return { kind: 'choices', text: l.text, choices: l.choices, style: 'list', lang: l.lang, dir: l.dir as 'ltr' };
          return { kind: 'text', text: l.text, lang: l.lang, dir: l.dir as 'ltr' };
        });
      if (step.input.choice === `listen:huisarts~${marker}`) {
        expect(out[0]).toMatchObject({ kind: 'media', url: `/media/huisarts-${step.locale}.ogg` });
        return;
      }
      step.check(out);
    });
  });
});

describe('location through Telegram (fake Bot API)', () => {
  let t: TelegramTestApp;
  beforeAll(async () => {
    t = await startTelegramApp({ CONTENT_DIR: CONTENT });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('asks with a "share location" keyboard, takes the location message, answers with nearby entries and a contact', async () => {
    const user = { userId: 7301, languageCode: 'ar' };
    await t.exchange(user.userId, tg.callback(user, 'lang:ar'));
    const ask = await t.exchange(user.userId, tg.callback(user, 'nb:start'));
    const keyboard = ask
      .map((c) => c.params.reply_markup as { keyboard?: { text: string; request_location?: boolean }[][] } | undefined)
      .find((k) => k?.keyboard);
    expect(keyboard?.keyboard?.[0]?.[0]).toEqual({ text: i18n.t('ar', 'nearby.share_location'), request_location: true });
    const types = await t.exchange(user.userId, tg.location(user, NEAR_DE_LINDE.lat, NEAR_DE_LINDE.lon));
    expect(types.flatMap((c) => buttons(c)).map((b) => b.callback_data)).toContain('nb:type:huisarts');
    const results = await t.exchange(user.userId, tg.callback(user, 'nb:type:huisarts'));
    const all = results.map(textOf).join('\n');
    expect(all).toContain(i18n.t('ar', 'nearby.example_notice'));
    expect(all).toContain(i18n.t('ar', 'nearby.distance_m', { n: 50 }));
    await t.exchange(user.userId, tg.callback(user, 'nb:type:national'));
    await t.post(tg.callback(user, 'nb:call:veilig-thuis'));
    await t.fake.waitFor(() => t.fake.ok('sendContact').length > 0);
    expect(t.fake.ok('sendContact')[0]?.params).toMatchObject({ phone_number: '0800-2000', first_name: 'Veilig Thuis' });
  });

  it('"Listen" arrives as a voice message with the Ogg/Opus file uploaded', async () => {
    const user = { userId: 7302, languageCode: 'ar' };
    await t.exchange(user.userId, tg.callback(user, 'lang:ar'));
    await t.post(tg.callback(user, `listen:huisarts~${t.app.wired.content.current().marker}`));
    await t.fake.waitFor(() => t.fake.ok('sendVoice').length > 0);
    const voice = t.fake.ok('sendVoice')[0];
    expect(Object.values(voice?.files ?? {})[0]?.size).toBe(readFileSync(join(CONTENT, 'media', 'huisarts-ar.ogg')).length);
    expect(String(voice?.params.caption)).toContain(i18n.t('ar', 'media.computer_voice'));
  });
});

describe('location through WhatsApp (fake Graph API)', () => {
  let graph: FakeGraph;
  let wa: RunningApp;
  beforeAll(async () => {
    graph = await startFakeGraph();
    wa = await startApp(
      {
        CONTENT_DIR: CONTENT,
        CONTENT_WATCH: 'false',
        WHATSAPP_TOKEN: graph.token,
        WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_VERIFY_TOKEN: VERIFY,
        WHATSAPP_API_BASE: graph.url,
        WHATSAPP_API_VERSION: 'v23.0',
      },
      { memory: true },
    );
    await wa.wired.start();
  });
  afterAll(async () => {
    await wa?.stop();
    await graph?.close();
  });

  async function answer(raw: string): Promise<WaMessage[]> {
    const start = graph.sent.length;
    const res = await fetch(`${wa.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(Buffer.from(raw), SECRET) },
      body: raw,
    });
    expect(res.status).toBe(200);
    await graph.waitForSent(start + 1);
    for (let n = -1; n !== graph.sent.length; ) {
      n = graph.sent.length;
      await new Promise((r) => setTimeout(r, 250));
    }
    return graph.sent.slice(start).map((m) => m.body as unknown as WaMessage);
  }
  const reply = (id: string) => fixture('interactive-list-reply', { WAMID: nextWamid(), CHOICE_ID: id, TITLE: 'x' });
  const rows = (ms: WaMessage[]) =>
    ms.flatMap((m) => (m.type === 'interactive' && m.interactive.type === 'list' ? m.interactive.action.sections.flatMap((s) => s.rows.map((r) => r.id)) : []));

  it('asks with a location request, takes the location message and answers with nearby entries', async () => {
    await answer(reply('lang:tr'));
    const ask = await answer(reply('nb:start'));
    expect(ask.some((m) => m.type === 'interactive' && m.interactive.type === 'location_request_message')).toBe(true);
    const raw = fixture('location', { WAMID: nextWamid() }).replace('52.0907', String(NEAR_DE_LINDE.lat)).replace('5.1214', String(NEAR_DE_LINDE.lon));
    const types = await answer(raw);
    expect(rows(types)).toContain('nb:type:huisarts');
    expect(graph.sent.slice(-types.length).every((m) => m.to === USER_A)).toBe(true);
    const results = await answer(reply('nb:type:huisarts'));
    const body = results.map((m) => (m.type === 'text' ? m.text.body : m.type === 'interactive' ? m.interactive.body.text : '')).join('\n');
    expect(body).toContain(i18n.t('tr', 'nearby.example_notice'));
    expect(body).toContain(i18n.t('tr', 'nearby.distance_m', { n: 50 }));
  });

  it('a location far from any entry (the fixture: Utrecht Centraal) gets the national help lines', async () => {
    const out = await answer(fixture('location', { WAMID: nextWamid() }));
    const body = out.map((m) => (m.type === 'text' ? m.text.body : m.type === 'interactive' ? m.interactive.body.text : '')).join('\n');
    expect(body).toContain(i18n.t('tr', 'nearby.far_away'));
    expect(body).toContain('0800-0113');
  });
});
