/**
 * Core message types: what every channel translates its platform messages into, and back.
 * The engine sees only these; it never learns which platform a message came from beyond `channel`.
 */

/** The channels wegwijs speaks on. */
export type ChannelName = 'web' | 'telegram' | 'whatsapp' | 'cli';

/** Text direction of one outbound message; set per message, never globally. */
export type Dir = 'ltr' | 'rtl';

/** Media kinds that can arrive from, or be sent to, a user. */
export type MediaType = 'audio' | 'voice' | 'image' | 'document';

/** Fields every inbound message carries. */
export interface InboundBase {
  channel: ChannelName;
  /** Pseudonymous, stable key of the user (see SECURITY.md); never a phone number or platform id. */
  userKey: string;
  /** Platform message id for de-duplication (Telegram update_id, WhatsApp wamid, web client id). */
  messageId?: string;
  /** Language hint from the platform (e.g. Telegram `language_code`); only ever used as a suggestion. */
  localeHint?: string;
}

/** What a user sent, without the envelope. */
export type InboundPayload =
  | { kind: 'text'; text: string }
  /** A tapped button or list row; `id` is the choice id the engine produced earlier. */
  | { kind: 'choice'; id: string }
  | { kind: 'location'; lat: number; lon: number }
  | { kind: 'media'; mediaType: MediaType; ref?: string; caption?: string }
  /** A slash command or its equivalent, without the slash: start, menu, language, help, person, forget. */
  | { kind: 'command'; command: string; args?: string };

/** A message a user sent, as the engine sees it. */
export type Inbound = InboundBase & InboundPayload;

/** One selectable option. `id` is ASCII and at most 64 bytes (Telegram callback data). */
export interface Choice {
  id: string;
  label: string;
  /** Optional second line (WhatsApp list row description, ≤ 72 characters). */
  description?: string;
}

/** Fields every outbound message carries. */
export interface OutboundBase {
  /** BCP-47-ish locale code of the text (one of the nine content locales). */
  lang: string;
  dir: Dir;
}

/** A message the engine wants delivered to the user. Channels render it natively. */
export type Outbound = OutboundBase &
  (
    | { kind: 'text'; text: string }
    /**
     * A text with options. `style` is a hint: `buttons` for up to three short options (yes/no, back/menu),
     * `list` for menus. Channels that cannot render it degrade to a numbered text menu.
     */
    | { kind: 'choices'; text: string; choices: Choice[]; style: 'buttons' | 'list'; listButton?: string }
    | { kind: 'media'; mediaType: MediaType; url: string; caption?: string; mime?: string }
    | { kind: 'location'; lat: number; lon: number; name?: string; address?: string }
    | { kind: 'contact'; name: string; phone: string }
    /** Ask the user to share a location; channels show a native "share my location" control where they have one. */
    | { kind: 'request-location'; text: string; buttonLabel: string }
  );

/** Maximum accepted length of an inbound text, in characters. */
export const MAX_INBOUND_TEXT = 4000;
