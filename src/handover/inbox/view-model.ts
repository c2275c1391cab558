/**
 * What the inbox shows, shared by the HTML pages, the JSON API and the live (SSE) updates, so a message looks the
 * same whether it was in the page or arrived later. Labels are Dutch: sleutelpersonen work in Dutch.
 */
import type { ContentSnapshot } from '../../core/content-types.ts';
import type { ConversationMessage, ConversationRow, HelperRow } from '../../core/handover-port.ts';
import type { Municipalities } from '../municipalities.ts';

export const LANGUAGE_NL: Record<string, string> = {
  nl: 'Nederlands',
  en: 'Engels',
  ar: 'Arabisch',
  ti: 'Tigrinya',
  fa: 'Farsi',
  prs: 'Dari',
  so: 'Somalisch',
  tr: 'Turks',
  uk: 'Oekraïens',
};

export const OUTCOME_NL: Record<string, string> = {
  information: 'Informatie gegeven',
  huisarts: 'Doorverwezen naar huisarts',
  ggz: 'Doorverwezen naar GGZ',
  practical: 'Praktische hulp',
  crisis: 'Crisis',
  other: 'Anders',
};

export const STATUS_NL: Record<string, string> = { waiting: 'Wachtend', active: 'In gesprek', closed: 'Gesloten', expired: 'Verlopen' };

const EVENT_NL: Record<string, string> = {
  claimed: 'Opgepakt',
  released: 'Vrijgegeven: terug in de wachtrij',
  transferred: 'Overgedragen aan een collega',
  'ended-by-user': 'De gebruiker heeft het gesprek beëindigd',
  'update-sent': 'Tussenbericht aan de gebruiker gestuurd (nog niet opgepakt)',
  expired: 'Verlopen: niemand heeft het gesprek op tijd opgepakt',
};

export function duration(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} u ${min % 60} min`;
  return `${Math.floor(h / 24)} dagen`;
}

export function clockTime(ms: number): string {
  return new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(ms),
  );
}

export interface MessageView {
  id: number;
  cls: string;
  who: string;
  time: string;
  text: string;
  lang: string;
  dir: 'ltr' | 'rtl' | 'auto';
}

export interface ViewContext {
  snapshot: ContentSnapshot;
  helperNames: Map<string, string>;
}

export function topicTitle(snapshot: ContentSnapshot, topicId: string, locale = 'nl'): string {
  const t = snapshot.topics.get(topicId);
  return t?.texts[locale]?.title ?? t?.texts.nl?.title ?? topicId;
}

/** Direction of one text from its first letter (Arabic script → rtl, other letters → ltr), else the fallback. */
export function textDir(text: string, fallback: 'ltr' | 'rtl' | 'auto'): 'ltr' | 'rtl' | 'auto' {
  const first = /\p{L}/u.exec(text)?.[0];
  if (!first) return fallback;
  return /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u.test(first) ? 'rtl' : 'ltr';
}

export function messageView(m: ConversationMessage, v: ViewContext): MessageView {
  const name = m.helperId ? (v.helperNames.get(m.helperId) ?? 'sleutelpersoon') : '';
  const dirOf = (lang: string | null) => v.snapshot.locales.find((l) => l.code === lang)?.dir ?? 'auto';
  const base = { id: m.id, time: clockTime(m.at), lang: m.lang ?? '', dir: dirOf(m.lang) as MessageView['dir'] };
  if (m.sender === 'system') {
    const [ev, outcome] = (m.text ?? '').split(':');
    const text = ev === 'closed' ? `Gesloten door ${name}: ${OUTCOME_NL[outcome ?? ''] ?? outcome}` : `${EVENT_NL[ev ?? ''] ?? ev}${name ? ` (${name})` : ''}`;
    return { ...base, cls: 'm-system', who: 'wegwijs', text, lang: 'nl', dir: 'ltr' };
  }
  if (m.sender === 'note') return { ...base, cls: 'm-note', who: `Interne notitie · ${name}`, text: m.text ?? '', dir: textDir(m.text ?? '', 'auto') };
  if (m.kind === 'topic') {
    const title = topicTitle(v.snapshot, m.topicId ?? '', 'nl');
    return {
      ...base,
      cls: 'm-helper m-topic',
      who: name,
      text: `Onderwerp gestuurd: ${title} (${m.topicId}, inhoud ${m.contentVersion ?? '?'}, revisie ${m.topicRevision ?? '?'})`,
      lang: 'nl',
      dir: 'ltr',
    };
  }
  const who = m.sender === 'user' ? 'Gebruiker' : name;
  const cls = m.sender === 'user' ? 'm-user' : 'm-helper';
  if (m.kind === 'media')
    return { ...base, cls, who, text: `📎 ${m.mediaType ?? 'bestand'}${m.text ? `: ${m.text}` : ''}${m.mediaRef ? ' (bewaard in het kanaal)' : ''}` };
  if (m.kind === 'location') return { ...base, cls, who, text: `📍 ${m.text ?? ''}` };
  return { ...base, cls, who, text: m.text ?? '', dir: textDir(m.text ?? '', base.dir) };
}

export interface ConversationSummary {
  id: string;
  locale: string;
  language: string;
  municipality: string | null;
  priority: 'normal' | 'crisis';
  status: string;
  statusLabel: string;
  waitingFor: string;
  genderPreference: string | null;
  helperId: string | null;
}

export function summary(c: ConversationRow, munis: Municipalities, now: number): ConversationSummary {
  return {
    id: c.id,
    locale: c.locale,
    language: LANGUAGE_NL[c.locale] ?? c.locale,
    municipality: c.municipality ? (munis.get(c.municipality)?.name ?? c.municipality) : null,
    priority: c.priority,
    status: c.status,
    statusLabel: STATUS_NL[c.status] ?? c.status,
    waitingFor: duration(now - c.createdAt),
    genderPreference: c.genderPreference === 'woman' ? 'liefst een vrouw' : c.genderPreference === 'man' ? 'liefst een man' : null,
    helperId: c.helperId,
  };
}

export interface SelfCheckView {
  /** The questionnaire's Dutch title, or its id when the content no longer has it. */
  title: string;
  yes: number;
  total: number;
  answers: { id: string; question: string; answer: 'ja' | 'nee' }[];
}

/**
 * The self-check answers the user agreed to share, for the inbox: each question's Dutch text (from the content
 * snapshot, in the questionnaire's order; the id when a question is no longer there) with ja/nee, and the yes count.
 */
export function selfCheckView(c: ConversationRow, snapshot: ContentSnapshot): SelfCheckView | null {
  const sc = c.selfCheck;
  if (!sc) return null;
  const q = snapshot.questionnaires?.get(sc.questionnaire);
  const text = q?.texts.nl ?? q?.texts[snapshot.sourceLocale];
  const known = (q?.questions ?? []).filter((id) => id in sc.answers);
  const ids = [...known, ...Object.keys(sc.answers).filter((id) => !known.includes(id))];
  const answers = ids.map((id) => ({ id, question: text?.questions[id] ?? id, answer: sc.answers[id] ? ('ja' as const) : ('nee' as const) }));
  return { title: text?.title ?? sc.questionnaire, yes: answers.filter((a) => a.answer === 'ja').length, total: answers.length, answers };
}

export function helperNames(helpers: HelperRow[]): Map<string, string> {
  return new Map(helpers.map((h) => [h.id, h.name]));
}
