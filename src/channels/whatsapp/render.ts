/**
 * Renders the engine's outbound messages as WhatsApp message objects, within WhatsApp's limits:
 * - a menu becomes reply buttons (≤ 3) or a list (≤ 10 rows); when it fits neither, a numbered text menu whose
 *   numbers follow the order of the choices, so the engine maps a typed digit n to the n-th choice;
 * - interactive bodies over 1,024 characters are split: the leading parts go as text, the last part is the body;
 * - texts over 4,096 characters are split at paragraphs (see split-text.ts);
 * - multi-part answers are merged where the limits allow: consecutive texts of the same direction into one text,
 *   and a short text followed by a menu into the menu's body, so fewer messages reach the user in a row.
 */
import type { Choice, Dir, Outbound } from '../../core/messages.ts';
import { fitsButtons, fitsList, LIMITS, shorten } from './limits.ts';
import { splitText } from './split-text.ts';
import type { WaInteractive, WaMedia, WaMessage, WaText } from './types.ts';

export interface RenderOptions {
  /** A UI string in a locale (`whatsapp.type_number`, `menu.button`). */
  t(lang: string, key: string): string;
}

type ChoicesOut = Extract<Outbound, { kind: 'choices' }>;
type Item = { msg: WaMessage; dir: Dir };

/** How a menu will be shown: native buttons, a native list, or a numbered text menu. */
export function menuKind(m: Pick<ChoicesOut, 'choices' | 'style'>): 'buttons' | 'list' | 'numbered' {
  if (m.style === 'buttons' && fitsButtons(m.choices)) return 'buttons';
  if (fitsList(m.choices)) return 'list';
  if (fitsButtons(m.choices)) return 'buttons';
  return 'numbered';
}

const text = (body: string): WaText => ({ type: 'text', text: { body } });

/** Splits a body that is too long for an interactive message: leading parts as texts, the last part as the body. */
function bodyParts(full: string): { lead: WaText[]; body: string } {
  const parts = splitText(full, LIMITS.body);
  const body = parts.pop() ?? '';
  return { lead: parts.flatMap((p) => splitText(p, LIMITS.text)).map(text), body: body || '👇' };
}

export function numberedMenu(m: ChoicesOut, hint: string): string[] {
  const lines = m.choices.map((c: Choice, i) => `${i + 1}. ${c.label.trim()}`).join('\n');
  const menu = `${lines}\n\n${hint}`;
  const whole = m.text.trim() ? `${m.text.trim()}\n\n${menu}` : menu;
  if (whole.length <= LIMITS.text) return [whole];
  return [...splitText(m.text, LIMITS.text), ...splitText(menu, LIMITS.text)];
}

function renderChoices(m: ChoicesOut, opts: RenderOptions): WaMessage[] {
  const kind = menuKind(m);
  if (kind === 'numbered') return numberedMenu(m, opts.t(m.lang, 'whatsapp.type_number')).map(text);
  const { lead, body } = bodyParts(m.text);
  let msg: WaInteractive;
  if (kind === 'buttons') {
    msg = {
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: body },
        action: { buttons: m.choices.map((c) => ({ type: 'reply', reply: { id: c.id, title: c.label.trim() } })) },
      },
    };
  } else {
    const rows = m.choices.map((c) => {
      const description = c.description?.trim() ? shorten(c.description, LIMITS.rowDescription) : undefined;
      return { id: c.id, title: c.label.trim(), ...(description ? { description } : {}) };
    });
    const button = shorten(m.listButton?.trim() || opts.t(m.lang, 'menu.button'), LIMITS.listButton);
    msg = { type: 'interactive', interactive: { type: 'list', body: { text: body }, action: { button, sections: [{ rows }] } } };
  }
  return [...lead, msg];
}

function renderMedia(m: Extract<Outbound, { kind: 'media' }>): WaMessage[] {
  const caption = m.caption?.trim() ?? '';
  const fitsCaption = caption.length > 0 && caption.length <= LIMITS.caption && m.mediaType !== 'audio' && m.mediaType !== 'voice';
  const obj = { link: m.url, ...(fitsCaption ? { caption } : {}) };
  let msg: WaMedia;
  if (m.mediaType === 'image') msg = { type: 'image', image: obj };
  else if (m.mediaType === 'document') msg = { type: 'document', document: { ...obj, filename: m.url.split('/').pop() ?? 'file' } };
  else msg = { type: 'audio', audio: { link: m.url } };
  const extra = caption && !fitsCaption ? splitText(caption, LIMITS.text).map(text) : [];
  return [msg, ...extra];
}

function renderOne(m: Outbound, opts: RenderOptions): WaMessage[] {
  switch (m.kind) {
    case 'text':
      return splitText(m.text, LIMITS.text).map(text);
    case 'choices':
      return renderChoices(m, opts);
    case 'media':
      return renderMedia(m);
    case 'location':
      return [
        {
          type: 'location',
          location: { latitude: m.lat, longitude: m.lon, ...(m.name ? { name: m.name } : {}), ...(m.address ? { address: m.address } : {}) },
        },
      ];
    case 'contact':
      return [{ type: 'contacts', contacts: [{ name: { formatted_name: m.name, first_name: m.name }, phones: [{ phone: m.phone, type: 'WORK' }] }] }];
    case 'request-location': {
      const { lead, body } = bodyParts(m.text);
      return [...lead, { type: 'interactive', interactive: { type: 'location_request_message', body: { text: body }, action: { name: 'send_location' } } }];
    }
  }
}

/** Folds a short text into the body of the menu (or location request) right after it, when both fit. */
function mergeIntoMenus(out: Outbound[]): Outbound[] {
  const res: Outbound[] = [];
  for (const m of out) {
    const prev = res[res.length - 1];
    const interactive = m.kind === 'request-location' || (m.kind === 'choices' && menuKind(m) !== 'numbered');
    if (prev?.kind === 'text' && interactive && prev.dir === m.dir && 'text' in m) {
      const joined = m.text.trim() ? `${prev.text.trim()}\n\n${m.text.trim()}` : prev.text.trim();
      if (joined.length <= LIMITS.body) {
        res[res.length - 1] = { ...m, text: joined };
        continue;
      }
    }
    res.push(m);
  }
  return res;
}

/** Renders a batch of outbound messages for one user, merged where WhatsApp's limits allow. */
export function renderOutbound(out: Outbound[], opts: RenderOptions): WaMessage[] {
  const items: Item[] = [];
  for (const m of mergeIntoMenus(out)) {
    for (const msg of renderOne(m, opts)) {
      if (msg.type === 'text' && !msg.text.body.trim()) continue;
      const prev = items[items.length - 1];
      if (prev && prev.dir === m.dir && prev.msg.type === 'text' && msg.type === 'text') {
        const joined = `${prev.msg.text.body}\n\n${msg.text.body}`;
        if (joined.length <= LIMITS.text) {
          prev.msg = text(joined);
          continue;
        }
      }
      items.push({ msg, dir: m.dir });
    }
  }
  return items.map((i) => i.msg);
}
