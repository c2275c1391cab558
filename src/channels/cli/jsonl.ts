/**
 * The terminal channel's JSON Lines protocol, for editors and scripts:
 * in  `{"text":"..."}` | `{"choice":"<id>"}` | `{"location":{"lat":52.09,"lon":5.12}}` (+ optional `"user":"<name>"`)
 * out `{"reply_to":<0-based input line>,"text":"...","choices":[{"id":"...","label":"..."}],"dir":"ltr|rtl"}`
 */
import type { InboundPayload, Outbound } from '../../core/messages.ts';

export interface JsonlInput {
  user: string;
  payload: InboundPayload;
}

/** Parses one input line; a line that is not valid becomes an empty text, which the engine answers politely. */
export function parseJsonlLine(line: string): JsonlInput {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return { user: 'default', payload: { kind: 'text', text: '' } };
  }
  const o = (obj && typeof obj === 'object' ? obj : {}) as Record<string, unknown>;
  const user = typeof o.user === 'string' && o.user.length <= 64 ? o.user : 'default';
  if (typeof o.text === 'string') return { user, payload: { kind: 'text', text: o.text } };
  if (typeof o.choice === 'string') return { user, payload: { kind: 'choice', id: o.choice } };
  if (typeof o.command === 'string') return { user, payload: { kind: 'command', command: o.command } };
  const loc = o.location as Record<string, unknown> | undefined;
  if (loc && typeof loc.lat === 'number' && typeof loc.lon === 'number') return { user, payload: { kind: 'location', lat: loc.lat, lon: loc.lon } };
  return { user, payload: { kind: 'text', text: '' } };
}

export function toJsonlOutput(replyTo: number, m: Outbound): Record<string, unknown> {
  const base: Record<string, unknown> = { reply_to: replyTo };
  switch (m.kind) {
    case 'text':
      return { ...base, text: m.text, choices: [], dir: m.dir, lang: m.lang };
    case 'choices':
      return { ...base, text: m.text, choices: m.choices.map((c) => ({ id: c.id, label: c.label })), dir: m.dir, lang: m.lang };
    case 'request-location':
      return { ...base, text: m.text, choices: [], request_location: true, dir: m.dir, lang: m.lang };
    case 'media':
      return { ...base, text: m.caption ?? '', choices: [], media: { type: m.mediaType, url: m.url }, dir: m.dir, lang: m.lang };
    case 'location':
      return { ...base, text: [m.name, m.address].filter(Boolean).join('\n'), choices: [], location: { lat: m.lat, lon: m.lon }, dir: m.dir, lang: m.lang };
    case 'contact':
      return { ...base, text: `${m.name}: ${m.phone}`, choices: [], contact: { name: m.name, phone: m.phone }, dir: m.dir, lang: m.lang };
  }
}
