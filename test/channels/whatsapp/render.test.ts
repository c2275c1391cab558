import { describe, expect, it } from 'vitest';
import { fitsButtons, fitsList, LIMITS, shorten } from '../../../src/channels/whatsapp/limits.ts';
import { menuKind, renderOutbound } from '../../../src/channels/whatsapp/render.ts';
import { splitText } from '../../../src/channels/whatsapp/split-text.ts';
import type { WaMessage } from '../../../src/channels/whatsapp/types.ts';
import type { Choice, Outbound } from '../../../src/core/messages.ts';

const opts = { t: (lang: string, key: string) => `${key}@${lang}` };
const render = (out: Outbound[]) => renderOutbound(out, opts);
const label = (n: number, ch = 'a') => ch.repeat(n);
const choices = (n: number, len = 8): Choice[] =>
  Array.from({ length: n }, (_, i) => ({ id: `topic:t${i}~m1`, label: `${String(i).padStart(2, '0')}${label(len - 2)}` }));
type ChoicesOut = Extract<Outbound, { kind: 'choices' }>;
const ask = (cs: Choice[], style: 'buttons' | 'list' = 'list', text = 'Kies een onderwerp.', dir: 'ltr' | 'rtl' = 'ltr'): ChoicesOut => ({
  kind: 'choices',
  text,
  choices: cs,
  style,
  lang: 'nl',
  dir,
  listButton: 'Kies',
});
const say = (text: string, dir: 'ltr' | 'rtl' = 'ltr'): Outbound => ({ kind: 'text', text, lang: 'nl', dir });
const interactive = (m: WaMessage | undefined) => (m?.type === 'interactive' ? m.interactive : undefined);

describe('reply buttons: at most 3, titles at most 20 characters, unique', () => {
  it('3 buttons render as buttons, 4 become a list', () => {
    expect(menuKind(ask(choices(3), 'buttons'))).toBe('buttons');
    expect(menuKind(ask(choices(4), 'buttons'))).toBe('list');
    const [m] = render([ask(choices(3), 'buttons')]);
    const i = interactive(m);
    expect(i?.type).toBe('button');
    if (i?.type !== 'button') return;
    expect(i.action.buttons.map((b) => b.reply.id)).toEqual(['topic:t0~m1', 'topic:t1~m1', 'topic:t2~m1']);
  });

  it('a title of exactly 20 characters fits, 21 does not (falls back to a list row)', () => {
    const twenty = [
      { id: 'a:yes', label: label(20) },
      { id: 'a:no', label: 'Nee' },
    ];
    const twentyOne = [
      { id: 'a:yes', label: label(21) },
      { id: 'a:no', label: 'Nee' },
    ];
    expect(fitsButtons(twenty)).toBe(true);
    expect(fitsButtons(twentyOne)).toBe(false);
    expect(menuKind(ask(twenty, 'buttons'))).toBe('buttons');
    expect(menuKind(ask(twentyOne, 'buttons'))).toBe('list');
  });

  it("counts Ge'ez and Arabic characters as characters", () => {
    expect(fitsButtons([{ id: 'x', label: 'ሀ'.repeat(20) }])).toBe(true);
    expect(fitsButtons([{ id: 'x', label: 'ب'.repeat(21) }])).toBe(false);
  });

  it('duplicate titles or ids are not allowed as buttons', () => {
    expect(
      fitsButtons([
        { id: 'a', label: 'Ja' },
        { id: 'b', label: 'Ja' },
      ]),
    ).toBe(false);
    expect(
      fitsButtons([
        { id: 'a', label: 'Ja' },
        { id: 'a', label: 'Nee' },
      ]),
    ).toBe(false);
    expect(fitsButtons([])).toBe(false);
  });
});

describe('list messages: at most 10 rows, titles 24, descriptions 72, button 20, section titles 24', () => {
  it('10 rows render as a list, 11 rows degrade to a numbered text menu', () => {
    expect(menuKind(ask(choices(10)))).toBe('list');
    expect(menuKind(ask(choices(11)))).toBe('numbered');
    const [m] = render([ask(choices(10))]);
    const i = interactive(m);
    expect(i?.type === 'list' && i.action.sections.flatMap((s) => s.rows)).toHaveLength(10);
  });

  it('a row title of exactly 24 characters fits, 25 does not', () => {
    expect(fitsList([{ id: 'x', label: label(24) }])).toBe(true);
    expect(fitsList([{ id: 'x', label: label(25) }])).toBe(false);
    expect(menuKind(ask([{ id: 'x', label: label(25) }]))).toBe('numbered');
  });

  it('a description of 72 characters is kept, 73 is shortened to fit with an ellipsis', () => {
    const ok = 'word '.repeat(14) + 'ab';
    const long = `${ok}c`;
    expect(ok.length).toBe(72);
    const [m] = render([
      ask([
        { id: 'x', label: 'Huisarts', description: ok },
        { id: 'y', label: 'Spoed', description: long },
      ]),
    ]);
    const i = interactive(m);
    if (i?.type !== 'list') throw new Error('expected a list');
    const [r0, r1] = i.action.sections[0]?.rows ?? [];
    expect(r0?.description).toBe(ok);
    expect(r1?.description?.length).toBeLessThanOrEqual(LIMITS.rowDescription);
    expect(r1?.description?.endsWith('…')).toBe(true);
  });

  it('a list button label of 20 characters is kept, 21 is shortened', () => {
    const withButton = (b: string): Outbound => ({ ...ask(choices(4)), listButton: b });
    const b20 = interactive(render([withButton(label(20, 'b'))])[0]);
    const b21 = interactive(render([withButton(label(21, 'b'))])[0]);
    expect(b20?.type === 'list' && b20.action.button).toBe(label(20, 'b'));
    expect(b21?.type === 'list' && b21.action.button.length).toBe(20);
  });

  it('section titles of 24 characters fit, 25 do not', () => {
    expect(fitsList(choices(2), [label(24)])).toBe(true);
    expect(fitsList(choices(2), [label(25)])).toBe(false);
  });

  it('duplicate row ids are refused', () => {
    expect(
      fitsList([
        { id: 'x', label: 'a' },
        { id: 'x', label: 'b' },
      ]),
    ).toBe(false);
  });
});

describe('numbered text menu', () => {
  it('numbers choices in their order so digit n picks the n-th choice, with a hint in the language', () => {
    const cs = choices(11);
    const [m] = render([ask(cs)]);
    expect(m?.type).toBe('text');
    const body = m?.type === 'text' ? m.text.body : '';
    const lines = body.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(lines).toEqual(cs.map((c, i) => `${i + 1}. ${c.label}`));
    expect(body.startsWith('Kies een onderwerp.')).toBe(true);
    expect(body.endsWith('whatsapp.type_number@nl')).toBe(true);
  });
});

describe('interactive body at most 1,024 characters', () => {
  it('a body of exactly 1,024 characters stays one interactive message', () => {
    const out = render([ask(choices(3), 'buttons', label(1024, 'x'))]);
    expect(out).toHaveLength(1);
    expect(interactive(out[0])?.body.text).toHaveLength(1024);
  });

  it('1,025 characters: the leading part goes as text, the rest is the body', () => {
    const text = `${'Eerste alinea. '.repeat(40).trim()}\n\n${'Tweede alinea. '.repeat(30).trim()}`;
    expect(text.length).toBeGreaterThan(1024);
    const out = render([ask(choices(3), 'buttons', text)]);
    expect(out.map((m) => m.type)).toEqual(['text', 'interactive']);
    const body = interactive(out[1])?.body.text ?? '';
    expect(body.length).toBeLessThanOrEqual(1024);
    expect(body.startsWith('Tweede alinea.')).toBe(true);
    const exact = render([ask(choices(3), 'buttons', label(1025, 'y'))]);
    expect(exact.every((m) => (m.type === 'interactive' ? m.interactive.body.text.length <= 1024 : m.type === 'text' && m.text.body.length <= 4096))).toBe(
      true,
    );
  });
});

describe('text at most 4,096 characters, split cleanly', () => {
  it('4,096 characters are one message, 4,097 two', () => {
    expect(render([say(label(4096, 'z'))])).toHaveLength(1);
    expect(render([say(label(4097, 'z'))])).toHaveLength(2);
  });

  it('splits at paragraph breaks and loses nothing', () => {
    const paras = Array.from({ length: 12 }, (_, i) => `Alinea ${i}: ${'woord '.repeat(80).trim()}.`);
    const text = paras.join('\n\n');
    const parts = splitText(text, LIMITS.text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(p.startsWith('Alinea ')).toBe(true);
      expect(p.endsWith('.')).toBe(true);
    }
    expect(parts.join('\n\n')).toBe(text);
  });

  it('falls back to sentence ends (also Arabic and Ethiopic) and never cuts a surrogate pair', () => {
    const ar = 'هل تحتاج إلى طبيب؟ '.repeat(300);
    for (const p of splitText(ar, 1000)) expect(p.endsWith('؟')).toBe(true);
    const ti = 'ሓኪም ስድራ ኣብ ጥቓኹም ኣሎ። '.repeat(200);
    for (const p of splitText(ti, 1000)) expect(p.endsWith('።')).toBe(true);
    const emoji = '👍'.repeat(3000);
    const parts = splitText(emoji, 4096);
    expect(parts.join('')).toBe(emoji);
    for (const p of parts) expect(p.isWellFormed()).toBe(true);
  });

  it('shorten keeps words whole where it can', () => {
    expect(shorten('Een heel lange beschrijving van het onderwerp', 20)).toBe('Een heel lange…');
    expect(shorten('kort', 20)).toBe('kort');
  });
});

describe('merging multi-part answers', () => {
  it('a short text followed by buttons becomes one interactive message', () => {
    const out = render([say('Bel 112 bij gevaar.'), ask(choices(2), 'buttons', 'Wat wil je doen?')]);
    expect(out).toHaveLength(1);
    expect(interactive(out[0])?.body.text).toBe('Bel 112 bij gevaar.\n\nWat wil je doen?');
  });

  it('merges only while the 1,024 body limit allows', () => {
    const fits = render([say(label(1024 - 2 - 5, 'q')), ask(choices(2), 'buttons', 'Kies.')]);
    expect(fits).toHaveLength(1);
    const over = render([say(label(1024 - 2 - 4, 'q')), ask(choices(2), 'buttons', 'Kies.')]);
    expect(over.map((m) => m.type)).toEqual(['text', 'interactive']);
  });

  it('joins consecutive texts up to 4,096 characters, never across text directions', () => {
    expect(render([say('Een.'), say('Twee.')])).toEqual([{ type: 'text', text: { body: 'Een.\n\nTwee.' } }]);
    expect(render([say(label(3000, 'a')), say(label(1200, 'b'))])).toHaveLength(2);
    expect(render([say('Hallo.'), say('مرحبا.', 'rtl')])).toHaveLength(2);
  });

  it('a text and a numbered menu are joined into one text when they fit', () => {
    const out = render([say('Welkom.'), ask(choices(11))]);
    expect(out).toHaveLength(1);
    expect(out[0]?.type === 'text' && out[0].text.body.startsWith('Welkom.\n\nKies een onderwerp.\n\n1. ')).toBe(true);
  });
});

describe('other message kinds', () => {
  it('media with caption, audio without (caption as text), location, contact, location request', () => {
    const out = render([
      { kind: 'media', mediaType: 'image', url: '/media/huisarts.png', caption: 'De huisarts', lang: 'nl', dir: 'ltr' },
      { kind: 'media', mediaType: 'audio', url: 'https://example.org/a.mp3', caption: 'Luister', lang: 'nl', dir: 'ltr' },
      { kind: 'location', lat: 52.09, lon: 5.12, name: 'Voorbeeldpraktijk (fictief)', lang: 'nl', dir: 'ltr' },
      { kind: 'contact', name: 'Voorbeeld Sleutelpersoon', phone: '+31 6 00000000', lang: 'nl', dir: 'ltr' },
      { kind: 'request-location', text: 'Deel je locatie.', buttonLabel: 'Locatie', lang: 'nl', dir: 'ltr' },
    ]);
    expect(out.map((m) => m.type)).toEqual(['image', 'audio', 'text', 'location', 'contacts', 'interactive']);
    expect(out[0]).toEqual({ type: 'image', image: { link: '/media/huisarts.png', caption: 'De huisarts' } });
    expect(out[1]).toEqual({ type: 'audio', audio: { link: 'https://example.org/a.mp3' } });
    expect(interactive(out[5])?.type).toBe('location_request_message');
  });
});
