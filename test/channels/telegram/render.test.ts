import { describe, expect, it } from 'vitest';
import { inlineKeyboard, validCallbackData } from '../../../src/channels/telegram/keyboard.ts';
import { mediaSource, type RenderOptions, renderOutbound, type TgOp } from '../../../src/channels/telegram/render.ts';
import { captionText, escapeHtml, MAX_MESSAGE, messageTexts, RLM, splitText } from '../../../src/channels/telegram/text.ts';
import type { Choice, Outbound } from '../../../src/core/messages.ts';
import { parsedLength } from '../../helpers/fake-telegram.ts';

const opts: RenderOptions = { mediaDir: '/srv/content/media', t: (_lang, key) => `[${key}]` };
const choices = (n: number, label = (i: number) => `${i}`): Choice[] => Array.from({ length: n }, (_, i) => ({ id: `nav:c${i}`, label: label(i) }));
const sendMessages = (ops: TgOp[]) => ops.filter((o): o is Extract<TgOp, { method: 'sendMessage' }> => o.method === 'sendMessage');

describe('telegram render: inline keyboards', () => {
  it('never puts more than 8 buttons in a row, even when they are all short', () => {
    const { rows } = inlineKeyboard(choices(19), 'buttons');
    expect(rows.map((r) => r.length)).toEqual([8, 8, 3]);
    expect(rows.flat().map((b) => b.callback_data)).toEqual(choices(19).map((c) => c.id));
  });

  it('gives every list entry its own row and puts long button labels on their own rows', () => {
    expect(
      inlineKeyboard(
        choices(5, (i) => `Topic number ${i}`),
        'list',
      ).rows.map((r) => r.length),
    ).toEqual([1, 1, 1, 1, 1]);
    const mixed: Choice[] = [
      { id: 'forget:yes', label: 'Yes' },
      { id: 'forget:no', label: 'No' },
      { id: 'nav:person-urgent', label: 'Talk to a person right now, please' },
      { id: 'nav:menu', label: 'Main menu' },
    ];
    expect(inlineKeyboard(mixed, 'buttons').rows.map((r) => r.map((b) => b.text))).toEqual([
      ['Yes', 'No'],
      ['Talk to a person right now, please'],
      ['Main menu'],
    ]);
  });

  it('accepts callback data up to exactly 64 bytes and leaves out what Telegram would reject', () => {
    const id64 = `topic:${'a'.repeat(54)}~abc`;
    expect(Buffer.byteLength(id64)).toBe(64);
    const bad = [
      { id: `${id64}x`, label: 'too long' },
      { id: 'topic:café', label: 'not ascii' },
      { id: '', label: 'empty' },
    ];
    let dropped = 0;
    const ops = renderOutbound(
      { kind: 'choices', text: 'Pick', style: 'list', choices: [{ id: id64, label: 'ok' }, ...bad], lang: 'en', dir: 'ltr' },
      { ...opts, onDropped: (n) => (dropped = n) },
    );
    const markup = sendMessages(ops)[0]?.reply_markup;
    expect(markup && 'inline_keyboard' in markup && markup.inline_keyboard.flat().map((b) => b.callback_data)).toEqual([id64]);
    expect(dropped).toBe(3);
    expect(validCallbackData(id64)).toBe(true);
    expect(validCallbackData(`${id64}x`)).toBe(false);
  });

  it('keeps button labels as plain text (Telegram does not parse HTML in buttons)', () => {
    const { rows } = inlineKeyboard([{ id: 'nav:menu', label: 'A & B <menu>' }], 'list');
    expect(rows[0]?.[0]?.text).toBe('A & B <menu>');
  });
});

describe('telegram render: texts', () => {
  const para = (n: number, len: number) => `${String(n).padStart(3, '0')} ${'x'.repeat(len - 4)}`;

  it('splits texts over 4096 characters at paragraph boundaries', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => para(i, 900));
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThan(MAX_MESSAGE * 2);
    const pieces = splitText(text);
    expect(pieces.length).toBe(3);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(MAX_MESSAGE);
      for (const unit of p.split('\n\n')) expect(paragraphs).toContain(unit);
    }
    expect(pieces.join('\n\n')).toBe(text);
  });

  it('balances the pieces instead of leaving a stray last paragraph', () => {
    const text = Array.from({ length: 5 }, (_, i) => para(i, 900)).join('\n\n');
    const pieces = splitText(text);
    expect(pieces.map((p) => p.split('\n\n').length)).toEqual([3, 2]);
  });

  it('splits a single huge paragraph at line breaks, then spaces, never inside a surrogate pair', () => {
    const lines = Array.from({ length: 10 }, (_, i) => para(i, 700)).join('\n');
    expect(splitText(lines).every((p) => p.length <= MAX_MESSAGE && !p.startsWith('\n'))).toBe(true);
    const emoji = '😀'.repeat(3000);
    const pieces = splitText(emoji);
    expect(pieces.join('')).toBe(emoji);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(MAX_MESSAGE);
      expect(p.codePointAt(p.length - 1)).not.toBe(0xd83d);
    }
  });

  it('escapes HTML in content and user text, counting entities as one character', () => {
    expect(escapeHtml('<b>5 > 3 & 2 < 4</b>')).toBe('&lt;b&gt;5 &gt; 3 &amp; 2 &lt; 4&lt;/b&gt;');
    const ops = renderOutbound({ kind: 'text', text: '<'.repeat(MAX_MESSAGE), lang: 'en', dir: 'ltr' }, opts);
    expect(ops).toHaveLength(1);
    const text = sendMessages(ops)[0]?.text ?? '';
    expect(text).toBe('&lt;'.repeat(MAX_MESSAGE));
    expect(parsedLength(text, 'HTML')).toBe(MAX_MESSAGE);
    const choice = sendMessages(renderOutbound({ kind: 'choices', text: 'Tom & Jerry <3', choices: [], style: 'list', lang: 'en', dir: 'ltr' }, opts))[0];
    expect(choice?.text).toBe('Tom &amp; Jerry &lt;3');
  });

  it('starts every right-to-left message with U+200F, also each piece of a split text', () => {
    const long = Array.from({ length: 6 }, () => 'مرحبا '.repeat(200).trim()).join('\n\n');
    const pieces = messageTexts(long, 'rtl');
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect(p.startsWith(RLM)).toBe(true);
      expect(parsedLength(p, 'HTML')).toBeLessThanOrEqual(MAX_MESSAGE);
    }
    expect(messageTexts('Hello', 'ltr')[0]?.startsWith(RLM)).toBe(false);
    expect(messageTexts(`${RLM}مرحبا`, 'rtl')[0]).toBe(`${RLM}مرحبا`);
    const ops = renderOutbound(
      { kind: 'choices', text: '113 اتصل', choices: [{ id: 'nav:menu', label: 'القائمة' }], style: 'buttons', lang: 'ar', dir: 'rtl' },
      opts,
    );
    expect(sendMessages(ops)[0]?.text).toBe(`${RLM}113 اتصل`);
  });

  it('attaches the keyboard to the last piece of a long menu text', () => {
    const text = Array.from({ length: 8 }, (_, i) => para(i, 1000)).join('\n\n');
    const ops = sendMessages(renderOutbound({ kind: 'choices', text, choices: choices(2), style: 'buttons', lang: 'en', dir: 'ltr' }, opts));
    expect(ops.length).toBeGreaterThan(1);
    expect(ops.slice(0, -1).every((o) => !o.reply_markup)).toBe(true);
    expect(ops.at(-1)?.reply_markup).toBeDefined();
  });

  it('truncates captions at 1024 characters', () => {
    const c = captionText('a'.repeat(2000), 'rtl');
    expect(c.length).toBe(1024);
    expect(c.startsWith(RLM)).toBe(true);
    expect(c.endsWith('…')).toBe(true);
    const emoji = captionText('😀'.repeat(600), 'ltr');
    expect(emoji.length).toBeLessThanOrEqual(1024);
    expect(emoji.codePointAt(emoji.length - 2)).not.toBe(0xd83d);
  });
});

describe('telegram render: media, location and the rest', () => {
  const media = (mediaType: 'audio' | 'voice' | 'image' | 'document', url: string): Outbound => ({
    kind: 'media',
    mediaType,
    url,
    caption: 'Listen <here>',
    lang: 'en',
    dir: 'ltr',
  });

  it('sends content media as audio, voice, document and photo uploads from content/media', () => {
    expect(renderOutbound(media('audio', '/media/huisarts-en.mp3'), opts)).toEqual([
      { method: 'sendAudio', source: { path: '/srv/content/media/huisarts-en.mp3' }, caption: 'Listen &lt;here&gt;' },
    ]);
    expect(renderOutbound(media('voice', '/media/a.ogg'), opts)[0]?.method).toBe('sendVoice');
    expect(renderOutbound(media('document', '/media/a.pdf'), opts)[0]?.method).toBe('sendDocument');
    expect(renderOutbound(media('image', 'https://example.org/a.png'), opts)[0]).toMatchObject({
      method: 'sendPhoto',
      source: { url: 'https://example.org/a.png' },
    });
  });

  it('never reads files outside content/media; falls back to the caption as text', () => {
    expect(mediaSource('/media/../../etc/passwd', '/m')).toBeNull();
    expect(mediaSource('/media/%2e%2e%2fsecret', '/m')).toBeNull();
    expect(mediaSource('http://insecure.example/a.png', '/m')).toBeNull();
    expect(renderOutbound(media('image', '/media/../x.png'), opts)).toEqual([{ method: 'sendMessage', text: 'Listen &lt;here&gt;' }]);
  });

  it('asks for a location with a reply keyboard that has request_location', () => {
    const ops = renderOutbound({ kind: 'request-location', text: 'Where do you live?', buttonLabel: '', lang: 'nl', dir: 'ltr' }, opts);
    expect(ops).toEqual([
      {
        method: 'sendMessage',
        text: 'Where do you live?',
        reply_markup: { keyboard: [[{ text: '[telegram.share_location]', request_location: true }]], resize_keyboard: true, one_time_keyboard: true },
      },
    ]);
  });

  it('renders locations, venues and contacts natively', () => {
    expect(renderOutbound({ kind: 'location', lat: 52.1, lon: 5.1, lang: 'en', dir: 'ltr' }, opts)).toEqual([
      { method: 'sendLocation', latitude: 52.1, longitude: 5.1 },
    ]);
    expect(renderOutbound({ kind: 'location', lat: 52.1, lon: 5.1, name: 'GGD', address: 'Straat 1', lang: 'en', dir: 'ltr' }, opts)[0]?.method).toBe(
      'sendVenue',
    );
    expect(renderOutbound({ kind: 'contact', name: 'Huisartsenpost', phone: '0900-1234', lang: 'en', dir: 'ltr' }, opts)).toEqual([
      { method: 'sendContact', phone_number: '0900-1234', first_name: 'Huisartsenpost' },
    ]);
  });
});
