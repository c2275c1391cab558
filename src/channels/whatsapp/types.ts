/**
 * The WhatsApp Cloud API shapes wegwijs uses: webhook payloads in, message objects out.
 * Only the fields we read or write are typed; everything from the platform is still validated at runtime.
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 */

/** A webhook POST body (`object: whatsapp_business_account`). */
export interface WebhookBody {
  object?: string;
  entry?: { id?: string; changes?: { field?: string; value?: WebhookValue }[] }[];
}

export interface WebhookValue {
  messaging_product?: string;
  metadata?: { display_phone_number?: string; phone_number_id?: string };
  contacts?: { wa_id?: string; profile?: { name?: string } }[];
  messages?: WebhookMessage[];
  statuses?: WebhookStatus[];
  errors?: GraphErrorDetail[];
}

export interface WebhookMessage {
  id?: string;
  from?: string;
  timestamp?: string;
  type?: string;
  text?: { body?: string };
  interactive?: {
    type?: string;
    button_reply?: { id?: string; title?: string };
    list_reply?: { id?: string; title?: string; description?: string };
  };
  /** A tapped quick-reply button of a template. */
  button?: { payload?: string; text?: string };
  location?: { latitude?: number; longitude?: number; name?: string; address?: string };
  audio?: WebhookMedia & { voice?: boolean };
  voice?: WebhookMedia;
  image?: WebhookMedia;
  document?: WebhookMedia & { filename?: string };
  video?: WebhookMedia;
  sticker?: WebhookMedia;
  reaction?: { message_id?: string; emoji?: string };
  errors?: GraphErrorDetail[];
}

export interface WebhookMedia {
  id?: string;
  mime_type?: string;
  sha256?: string;
  caption?: string;
}

export interface WebhookStatus {
  id?: string;
  status?: string;
  timestamp?: string;
  recipient_id?: string;
  errors?: GraphErrorDetail[];
}

export interface GraphErrorDetail {
  code?: number;
  title?: string;
  message?: string;
  error_data?: { details?: string };
}

// --- outbound message objects (the request body without `messaging_product`, `recipient_type` and `to`) ---

export interface WaText {
  type: 'text';
  text: { body: string; preview_url?: boolean };
}

export interface WaReplyButton {
  type: 'reply';
  reply: { id: string; title: string };
}

export interface WaListRow {
  id: string;
  title: string;
  description?: string;
}

export interface WaListSection {
  title?: string;
  rows: WaListRow[];
}

export interface WaInteractive {
  type: 'interactive';
  interactive:
    | { type: 'button'; body: { text: string }; action: { buttons: WaReplyButton[] } }
    | { type: 'list'; body: { text: string }; action: { button: string; sections: WaListSection[] } }
    | { type: 'location_request_message'; body: { text: string }; action: { name: 'send_location' } };
}

/** Media by public link, by uploaded id, or (before sending) by a local `/media/<file>` path resolved at send time. */
export interface WaMediaObject {
  link?: string;
  id?: string;
  caption?: string;
  filename?: string;
}

export type WaMedia =
  | { type: 'image'; image: WaMediaObject }
  | { type: 'audio'; audio: WaMediaObject }
  | { type: 'document'; document: WaMediaObject }
  | { type: 'video'; video: WaMediaObject };

export interface WaLocation {
  type: 'location';
  location: { latitude: number; longitude: number; name?: string; address?: string };
}

export interface WaContacts {
  type: 'contacts';
  contacts: { name: { formatted_name: string; first_name: string }; phones: { phone: string; type?: string }[] }[];
}

export interface WaTemplate {
  type: 'template';
  template: {
    name: string;
    language: { code: string; policy: 'deterministic' };
    components?: { type: 'button'; sub_type: 'quick_reply'; index: string; parameters: { type: 'payload'; payload: string }[] }[];
  };
}

export type WaMessage = WaText | WaInteractive | WaMedia | WaLocation | WaContacts | WaTemplate;

/** Payload of the template's quick-reply button: tapping it delivers the held messages. */
export const HELD_PAYLOAD = 'wegwijs:held';
