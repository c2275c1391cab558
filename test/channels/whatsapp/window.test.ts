import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mediaSegments } from '../../../src/channels/whatsapp/media.ts';
import { HELD_PAYLOAD } from '../../../src/channels/whatsapp/types.ts';
import type { Outbound } from '../../../src/core/messages.ts';
import { ROOT } from '../../helpers/engine.ts';
import { messageText, type SentMessage } from '../../helpers/fake-graph.ts';
import { type Harness, type HarnessOptions, startHarness, USER_A, userKeyOf } from './harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const HOUR = 3600_000;
/** The real content (nine locales) for users who chose Dari or Tigrinya. */
const CONTENT = join(ROOT, 'content');
const reply = (text: string, lang = 'ar'): Outbound => ({ kind: 'text', text, lang, dir: lang === 'ar' || lang === 'fa' || lang === 'prs' ? 'rtl' : 'ltr' });
const templateOf = (m: SentMessage | undefined) =>
  (m?.body as { template?: { name: string; language: { code: string }; components?: unknown[] } } | undefined)?.template;

async function userWithLanguage(locale: string, opts: HarnessOptions = {}) {
  h = await startHarness(opts);
  await h.send('interactive-list-reply', { CHOICE_ID: `lang:${locale}`, TITLE: 'x' });
  await h.settle();
  return h.graph.sent.length;
}

describe('24-hour customer-service window', () => {
  it('inside the window a sleutelpersoon reply is sent as it is', async () => {
    const n = await userWithLanguage('ar');
    h.clock.advance(23 * HOUR);
    await h.channel.pusher.push(userKeyOf(USER_A), 'whatsapp', [reply('مرحبا، أنا هنا لمساعدتك.')]);
    await h.graph.waitForSent(n + 1);
    expect(h.graph.sent.slice(n).map(messageText)).toEqual(['مرحبا، أنا هنا لمساعدتك.']);
  });

  it("a late reply outside the window goes as the template in the user's language; the reply follows when the user answers", async () => {
    const n = await userWithLanguage('ar');
    h.clock.advance(25 * HOUR);
    await h.channel.pusher.push(userKeyOf(USER_A), 'whatsapp', [reply('شكراً لانتظارك.'), reply('يمكنك زيارة طبيب العائلة غداً.')]);
    await h.graph.waitForSent(n + 1);
    await h.settle();
    expect(h.graph.sent).toHaveLength(n + 1);
    const t = templateOf(h.graph.sent[n]);
    expect(t).toMatchObject({ name: 'wegwijs_reply_waiting', language: { code: 'ar', policy: 'deterministic' } });
    expect(JSON.stringify(t?.components)).toContain(HELD_PAYLOAD);
    // The two replies were merged into one message before they were held.
    expect((await h.store.listHeld(userKeyOf(USER_A), 'whatsapp')).length).toBe(1);

    // Another late message while the template waits: held too, no second template.
    await h.channel.pusher.push(userKeyOf(USER_A), 'whatsapp', [reply('رسالة ثالثة.')]);
    await h.settle();
    expect(h.graph.sent).toHaveLength(n + 1);

    // The user taps the template's button: everything held arrives, in order, once.
    h.clock.advance(HOUR);
    await h.send('template-button-reply', { PAYLOAD: HELD_PAYLOAD, TITLE: 'اقرأ الرسالة' });
    await h.settle();
    expect(h.graph.sent.slice(n + 1).map(messageText)).toEqual(['شكراً لانتظارك.\n\nيمكنك زيارة طبيب العائلة غداً.', 'رسالة ثالثة.']);
    expect(await h.store.listHeld(userKeyOf(USER_A), 'whatsapp')).toEqual([]);
  });

  it('maps locales to WhatsApp template languages: prs → prs_AF', async () => {
    const n = await userWithLanguage('prs', { contentDir: CONTENT });
    h.clock.advance(30 * HOUR);
    await h.channel.pusher.push(userKeyOf(USER_A), 'whatsapp', [reply('سلام', 'prs')]);
    await h.graph.waitForSent(n + 1);
    expect(templateOf(h.graph.sent[n])?.language.code).toBe('prs_AF');
  });

  it('a locale WhatsApp templates lack (Tigrinya) uses the fallback language, and the user is told so', async () => {
    const n = await userWithLanguage('ti', { contentDir: CONTENT });
    h.clock.advance(30 * HOUR);
    await h.channel.pusher.push(userKeyOf(USER_A), 'whatsapp', [reply('ሰላም፣ ሕጂ ክሕግዘኩም እኽእል እየ።', 'ti')]);
    await h.graph.waitForSent(n + 1);
    await h.settle();
    expect(templateOf(h.graph.sent[n])?.language.code).toBe('en');
    expect(h.logger.lines.find((l) => (l.obj as { event?: string }).event === 'wa_template_sent')?.obj).toMatchObject({
      locale: 'ti',
      language: 'en',
      fallback: true,
    });
    await h.send('text', { TEXT: 'ሰላም' });
    await h.settle();
    const released = h.graph.sent.slice(n + 1).map(messageText);
    expect(released[0]).toContain('English');
    expect(released[0]).toContain('ℹ️');
    expect(released[0]).toMatch(/[\u1200-\u137f]/);
    expect(released[0]).toContain('ሰላም፣ ሕጂ ክሕግዘኩም እኽእል እየ።');
  });

  it('the platform\'s "outside the window" error (131047) is handled the same way', async () => {
    const n = await userWithLanguage('ar');
    h.graph.windowClosedFor(USER_A);
    await h.channel.pusher.push(userKeyOf(USER_A), 'whatsapp', [reply('الرد المتأخر.')]);
    await h.graph.waitForSent(n + 1);
    await h.settle();
    expect(h.graph.refused.map((r) => r.code)).toEqual([131047]);
    expect(templateOf(h.graph.sent[n])?.language.code).toBe('ar');
    // The user writes: the window is open again; held message first, then the answer to what they wrote.
    h.graph.windowClosedFor(null);
    await h.send('text', { TEXT: 'القائمة' });
    await h.settle();
    const after = h.graph.sent.slice(n + 1);
    expect(messageText(after[0] as SentMessage)).toBe('الرد المتأخر.');
    expect(after.length).toBe(2);
  });

  it('a 131047 failure reported later by a status webhook holds the message and sends the template once', async () => {
    const n = await userWithLanguage('ar');
    await h.channel.pusher.push(userKeyOf(USER_A), 'whatsapp', [reply('رسالة لم تصل.')]);
    await h.graph.waitForSent(n + 1);
    await h.settle();
    const wamid = h.graph.sent[n]?.wamid ?? '';
    await h.send('status-failed', { CODE: 131047, WAMID: wamid });
    await h.send('status-failed', { CODE: 131047, WAMID: wamid });
    await h.graph.waitForSent(n + 2);
    await h.settle();
    expect(h.graph.sent).toHaveLength(n + 2);
    expect(templateOf(h.graph.sent[n + 1])?.language.code).toBe('ar');
    expect((await h.store.listHeld(userKeyOf(USER_A), 'whatsapp')).length).toBe(1);
    await h.send('template-button-reply', { PAYLOAD: HELD_PAYLOAD, TITLE: 'اقرأ' });
    await h.settle();
    expect(h.graph.sent.slice(n + 2).map(messageText)).toEqual(['رسالة لم تصل.']);
    expect((await h.store.counters('whatsapp_failed', 0)).map((c) => c.key)).toEqual(['131047']);
  });

  it('a rate-limited template is retried until it goes out', async () => {
    const n = await userWithLanguage('nl');
    h.clock.advance(25 * HOUR);
    h.graph.failNext(130429, 2);
    await h.channel.pusher.push(userKeyOf(USER_A), 'whatsapp', [reply('Hallo, hier is je sleutelpersoon.', 'nl')]);
    await h.graph.waitForSent(n + 1);
    expect(templateOf(h.graph.sent[n])?.language.code).toBe('nl');
    expect(h.graph.refused.map((r) => `${r.code}:${r.type}`)).toEqual(['130429:template', '130429:template']);
  });

  it('tapping the template when nothing is held any more shows the menu', async () => {
    const n = await userWithLanguage('nl');
    await h.send('template-button-reply', { PAYLOAD: HELD_PAYLOAD, TITLE: 'Lees het bericht' });
    await h.settle();
    expect(h.graph.sent.length).toBe(n + 1);
    expect(h.graph.sent[n]?.type).toBe('interactive');
  });
});

describe('outbound media', () => {
  it('reads local media paths, encoded or not, and refuses anything outside the media folder', () => {
    expect(mediaSegments('/media/uitleg.png')).toEqual(['uitleg.png']);
    expect(mediaSegments('/media/audio/huisarts%20nl.mp3')).toEqual(['audio', 'huisarts nl.mp3']);
    expect(mediaSegments('/media/../secret')).toBeNull();
    expect(mediaSegments('/media/..%2F..%2Fetc%2Fpasswd')).toBeNull();
    expect(mediaSegments('/elsewhere/x.png')).toBeNull();
  });

  const png = () => {
    const dir = mkdtempSync(join(tmpdir(), 'wegwijs-wa-media-'));
    writeFileSync(join(dir, 'uitleg.png'), Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    return dir;
  };
  const image: Outbound = { kind: 'media', mediaType: 'image', url: '/media/uitleg.png', caption: 'Uitleg', lang: 'nl', dir: 'ltr' };

  it('with PUBLIC_URL: sent by absolute link', async () => {
    const mediaDir = png();
    const n = await userWithLanguage('nl', { publicUrl: 'https://wegwijs.example.org/', mediaDir });
    await h.channel.pusher.push(userKeyOf(USER_A), 'whatsapp', [image]);
    await h.graph.waitForSent(n + 1);
    expect(h.graph.sent[n]?.body).toEqual({ type: 'image', image: { link: 'https://wegwijs.example.org/media/uitleg.png', caption: 'Uitleg' } });
    rmSync(mediaDir, { recursive: true });
  });

  it('without PUBLIC_URL: uploaded once to the Graph API and sent by media id', async () => {
    const mediaDir = png();
    const n = await userWithLanguage('nl', { mediaDir });
    await h.channel.pusher.push(userKeyOf(USER_A), 'whatsapp', [image]);
    await h.channel.pusher.push(userKeyOf(USER_A), 'whatsapp', [image]);
    await h.graph.waitForSent(n + 2);
    expect(h.graph.uploads).toHaveLength(1);
    expect(h.graph.sent[n]?.body).toEqual({ type: 'image', image: { id: 'media-1', caption: 'Uitleg' } });
    expect(h.graph.sent[n + 1]?.body).toEqual(h.graph.sent[n]?.body);
    rmSync(mediaDir, { recursive: true });
  });
});
