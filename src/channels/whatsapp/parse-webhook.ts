/**
 * Translates a webhook payload into core inbound payloads and status updates. Every message type is handled on
 * purpose: text, interactive replies (button and list) → choices, location, audio/voice/image/document/video/
 * sticker → media (relayed by the handover flow during a conversation with a sleutelpersoon, otherwise a polite
 * answer from the engine), the template's quick-reply button → release of held messages, reactions and system
 * notices → ignored, anything else ("unsupported", contacts, orders...) → the engine's answer for a file it cannot
 * read, plus the menu.
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples
 */
import type { InboundPayload } from '../../core/messages.ts';
import type { OutboundStatus } from '../../core/ports.ts';
import { HELD_PAYLOAD, type WebhookBody, type WebhookMessage } from './types.ts';

/** What is stored in the intake queue for one inbound message. */
export type StoredInbound = InboundPayload | { kind: 'held-tap' };

export interface ParsedInbound {
  wamid: string;
  waId: string;
  /** When the user sent it (ms); never later than receipt. */
  at: number;
  payload: StoredInbound;
}

export interface ParsedStatus {
  wamid: string;
  status: OutboundStatus;
  at: number;
  errorCode: string | null;
}

export interface ParsedWebhook {
  messages: ParsedInbound[];
  statuses: ParsedStatus[];
  /** Message types deliberately not queued (reactions, system notices), for logging by type only. */
  ignored: string[];
  /** Payload parts skipped as malformed or for another phone number. */
  skipped: number;
  /** Error codes the platform reported in the payload itself. */
  errorCodes: number[];
}

const WAMID_RE = /^[A-Za-z0-9._:=+/-]{1,256}$/;
const WA_ID_RE = /^\d{5,20}$/;
const STATUSES = new Set<OutboundStatus>(['sent', 'delivered', 'read', 'failed']);

function toPayload(m: WebhookMessage): StoredInbound | 'ignore' {
  switch (m.type) {
    case 'text':
      return { kind: 'text', text: typeof m.text?.body === 'string' ? m.text.body : '' };
    case 'interactive': {
      const id = m.interactive?.button_reply?.id ?? m.interactive?.list_reply?.id;
      return typeof id === 'string' ? { kind: 'choice', id } : { kind: 'media', mediaType: 'document' };
    }
    case 'button':
      if (m.button?.payload === HELD_PAYLOAD) return { kind: 'held-tap' };
      return { kind: 'text', text: typeof m.button?.text === 'string' ? m.button.text : '' };
    case 'location': {
      const lat = Number(m.location?.latitude);
      const lon = Number(m.location?.longitude);
      if (Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) return { kind: 'location', lat, lon };
      return { kind: 'media', mediaType: 'document' };
    }
    case 'audio':
    case 'voice': {
      const media = m.audio ?? m.voice;
      const voice = m.type === 'voice' || m.audio?.voice === true;
      return { kind: 'media', mediaType: voice ? 'voice' : 'audio', ...(media?.id ? { ref: media.id } : {}) };
    }
    case 'image':
    case 'sticker':
    case 'document':
    case 'video': {
      const media = m.type === 'image' ? m.image : m.type === 'sticker' ? m.sticker : m.type === 'document' ? m.document : m.video;
      const caption = typeof media?.caption === 'string' && media.caption.trim() ? media.caption : undefined;
      return {
        kind: 'media',
        mediaType: m.type === 'image' || m.type === 'sticker' ? 'image' : 'document',
        ...(media?.id ? { ref: media.id } : {}),
        ...(caption ? { caption } : {}),
      };
    }
    case 'reaction':
    case 'system':
    case 'request_welcome':
      return 'ignore';
    default:
      // "unsupported", contacts, order, poll...: answered like a file we cannot read, with the menu.
      return { kind: 'media', mediaType: 'document' };
  }
}

const ms = (ts: unknown, now: number): number => {
  const n = Number(ts);
  return Number.isFinite(n) && n > 0 ? Math.min(n * 1000, now) : now;
};

/** Reads a webhook body for one phone number id. Never throws on odd shapes; counts what it skips. */
export function parseWebhook(body: WebhookBody, phoneNumberId: string, now: number): ParsedWebhook {
  const out: ParsedWebhook = { messages: [], statuses: [], ignored: [], skipped: 0, errorCodes: [] };
  for (const entry of Array.isArray(body.entry) ? body.entry : []) {
    for (const change of Array.isArray(entry?.changes) ? entry.changes : []) {
      const v = change?.value;
      if (change?.field !== 'messages' || !v || typeof v !== 'object') continue;
      if (v.metadata?.phone_number_id !== phoneNumberId) {
        out.skipped++;
        continue;
      }
      for (const e of Array.isArray(v.errors) ? v.errors : []) if (typeof e?.code === 'number') out.errorCodes.push(e.code);
      for (const m of Array.isArray(v.messages) ? v.messages : []) {
        if (!m || typeof m.id !== 'string' || !WAMID_RE.test(m.id) || typeof m.from !== 'string' || !WA_ID_RE.test(m.from)) {
          out.skipped++;
          continue;
        }
        const payload = toPayload(m);
        if (payload === 'ignore') {
          out.ignored.push(String(m.type));
          continue;
        }
        out.messages.push({ wamid: m.id, waId: m.from, at: ms(m.timestamp, now), payload });
      }
      for (const s of Array.isArray(v.statuses) ? v.statuses : []) {
        if (!s || typeof s.id !== 'string' || !WAMID_RE.test(s.id) || !STATUSES.has(s.status as OutboundStatus)) {
          out.skipped++;
          continue;
        }
        const code = Array.isArray(s.errors) ? s.errors.find((e) => typeof e?.code === 'number')?.code : undefined;
        out.statuses.push({ wamid: s.id, status: s.status as OutboundStatus, at: ms(s.timestamp, now), errorCode: code === undefined ? null : String(code) });
      }
    }
  }
  return out;
}
