/**
 * The re-engagement template: outside the 24-hour customer-service window only an approved template may be sent.
 * wegwijs sends one short, content-free notice ("a reply is waiting, tap to read it") in the user's language and
 * holds the real messages until the user answers.
 * Template languages: Meta's list has nl, en, ar, fa, prs_AF (Dari), tr and uk, but (as far as we could verify,
 * 2026) neither Tigrinya nor Somali; those use the fallback language and the user is told so when the held
 * messages arrive. Deployments can override the map with WHATSAPP_TEMPLATE_LANGUAGES.
 * @see https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates/supported-languages
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates
 */
import { HELD_PAYLOAD, type WaTemplate } from './types.ts';

/** Our locale → WhatsApp template language code; null: WhatsApp has none, use the fallback. */
export const DEFAULT_TEMPLATE_LANGUAGES: Readonly<Record<string, string | null>> = {
  nl: 'nl',
  en: 'en',
  ar: 'ar',
  ti: null,
  fa: 'fa',
  prs: 'prs_AF',
  so: null,
  tr: 'tr',
  uk: 'uk',
};

/** Names of fallback template languages, for the note that tells the user which language the notice was in. */
const LANGUAGE_NAMES: Record<string, string> = { en: 'English', nl: 'Nederlands', ar: 'العربية', fa: 'فارسی', tr: 'Türkçe', uk: 'Українська' };

export interface TemplateConfig {
  name: string;
  languages: Record<string, string | null>;
  fallback: string;
  /** The approved template has a quick-reply button whose payload we set. */
  button: boolean;
}

/** Parses `so=so,ti=-` into overrides of the default map. */
export function templateLanguages(overrides?: string): Record<string, string | null> {
  const map: Record<string, string | null> = { ...DEFAULT_TEMPLATE_LANGUAGES };
  for (const pair of (overrides ?? '').split(',').filter(Boolean)) {
    const [locale, code] = pair.split('=');
    if (locale && code) map[locale] = code === '-' ? null : code;
  }
  return map;
}

/** The template language for a user's locale, and whether it is the fallback rather than their own language. */
export function templateLanguage(cfg: TemplateConfig, locale: string): { code: string; fallback: boolean } {
  const code = cfg.languages[locale];
  return code ? { code, fallback: false } : { code: cfg.fallback, fallback: true };
}

export function fallbackName(code: string): string {
  return LANGUAGE_NAMES[code.split('_')[0] ?? code] ?? code;
}

export function templateMessage(cfg: TemplateConfig, code: string): WaTemplate {
  return {
    type: 'template',
    template: {
      name: cfg.name,
      language: { code, policy: 'deterministic' },
      ...(cfg.button
        ? { components: [{ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: HELD_PAYLOAD }] }] }
        : {}),
    },
  };
}
