/**
 * The content model as the engine sees it, after loading and validation by `src/content/`.
 * The YAML format for editors is documented in `content/README.md`.
 */
import type { Dir } from './messages.ts';

/** One of the nine locales with its own name, direction and fallback chain (from `content/manifest.yaml`). */
export interface LocaleInfo {
  code: string;
  /** The language's name in its own script, e.g. "العربية". */
  name: string;
  dir: Dir;
  /** Locales to try, in order, when a text is missing in this one. */
  fallback: string[];
}

/** A button on a topic: call a number, open a web page, or open another topic. */
export type TopicAction = { id: string; type: 'call'; phone: string } | { id: string; type: 'url'; url: string } | { id: string; type: 'topic'; topic: string };

export interface TopicSource {
  publisher: string;
  title: string;
  url: string;
}

/** Review state of one language version of a topic. */
export interface ReviewInfo {
  status: 'draft' | 'reviewed';
  reviewedBy: string | null;
  reviewedAt: string | null;
  /** Translations: hash of the source (nl) text they were made from. */
  sourceHash: string | null;
}

/** Media for low-literacy users, per locale. Paths are relative to `content/media/`. */
export interface TopicMedia {
  audio?: string;
  image?: string;
  /** True when the audio is machine-synthesised, shown to users as such. */
  synthetic?: boolean;
}

/** The text of a topic in one locale. */
export interface TopicText {
  locale: string;
  title: string;
  summary: string;
  body: string;
  questions: string[];
  keywords: string[];
  actionLabels: Record<string, string>;
  review: ReviewInfo;
  media?: TopicMedia;
  /** Hash of title+summary+body: the revision of this text. */
  hash: string;
}

export interface Topic {
  id: string;
  category: string;
  related: string[];
  sources: TopicSource[];
  reviewBy: string | null;
  actions: TopicAction[];
  /** Texts by locale code. A locale may be missing; the engine then falls back with a visible note. */
  texts: Record<string, TopicText>;
}

export interface Category {
  id: string;
  title: Record<string, string>;
  topics: string[];
}

/** Crisis signal kinds, in order of urgency. */
export type CrisisSignal = 'danger' | 'suicide' | 'self_harm' | 'violence';

export interface CrisisList {
  locale: string;
  signals: Record<CrisisSignal, string[]>;
  examples: { crisis: string[]; notCrisis: string[] };
}

/** A fully loaded, validated, immutable content version. Swapped atomically on reload. */
export interface ContentSnapshot {
  version: string;
  /** Short hash of the whole content; used as the marker in button ids. */
  marker: string;
  sourceLocale: string;
  reviewMaxAgeDays: number;
  locales: LocaleInfo[];
  categories: Category[];
  topics: Map<string, Topic>;
  crisis: CrisisList[];
  /**
   * Per locale, everyday questions outside health and care (`content/off-topic/`). The matcher indexes them as a
   * negative example: a question that resembles them more than any topic gets an honest "I don't know".
   */
  offTopic?: Record<string, string[]>;
  /** Organisations and help lines for "help nearby" (`content/social-map/`). */
  socialMap?: SocialMap;
  /** Content-defined questionnaires such as the Protect questions (`content/questionnaires/`). */
  questionnaires?: Map<string, Questionnaire>;
  loadedAt: number;
}

/** Kinds of help on the social map; each has a label per locale under `nearby.types.<type>` in `locales/`. */
export const SOCIAL_MAP_TYPES = [
  'huisarts',
  'huisartsenpost',
  'apotheek',
  'ggd',
  'wijkteam',
  'ggz',
  'maatschappelijk-werk',
  'vluchtelingenwerk',
  'schuldhulp',
  'buurthuis',
  'sport',
  'taalcafe',
  'consultatiebureau',
  'verloskundige',
  'other',
] as const;
export type SocialMapType = (typeof SOCIAL_MAP_TYPES)[number];

/** One organisation or help line. National entries (112, 113, Veilig Thuis) have no gemeente or coordinates. */
export interface SocialMapEntry {
  id: string;
  name: string;
  type: SocialMapType;
  /** Other kinds of help this entry is also shown for (e.g. Veilig Thuis with `wijkteam`). */
  alsoFor: SocialMapType[];
  national: boolean;
  /** Municipality slug (lowercase-with-dashes) and its display name; null for national entries. */
  gemeente: string | null;
  gemeenteName: string | null;
  address: string | null;
  coordinates: { lat: number; lon: number } | null;
  phone: string | null;
  website: string | null;
  /** OpenStreetMap `opening_hours` value as written by the editor; null when unknown. */
  openingHours: string | null;
  /** Language codes spoken (ISO 639, e.g. nl, ar, ti, prs). */
  languages: string[];
  cost: 'free' | 'insured' | 'paid';
  /** Short description per locale. */
  description: Record<string, string>;
  /** Demo data: shown with a visible "example data" notice. */
  example: boolean;
  /** False while the translated descriptions are machine drafts nobody has checked (shown with a note). */
  translationsReviewed: boolean;
}

export interface PublicHoliday {
  /** YYYY-MM-DD in Europe/Amsterdam. */
  date: string;
  name: string;
}

export interface SocialMap {
  entries: SocialMapEntry[];
  /** Dates that `PH` in opening hours stands for. */
  holidays: PublicHoliday[];
}

/** One locale's text of a questionnaire. */
export interface QuestionnaireText {
  locale: string;
  title: string;
  /** Non-diagnostic framing shown before the first question. */
  intro: string;
  /** Question text by question id. */
  questions: Record<string, string>;
  /** Result text by result id. */
  results: Record<string, string>;
  review: ReviewInfo;
}

/** Where a questionnaire leads, chosen by the number of "yes" answers (`min`..`max`, inclusive). */
export interface QuestionnaireResult {
  id: string;
  min: number;
  max: number;
  topics: string[];
  /** Offer to talk to a sleutelpersoon (choice `nav:person`). */
  offerPerson: boolean;
}

/** A yes/no questionnaire defined in content (e.g. the ten Protect questions). */
export interface Questionnaire {
  id: string;
  /** The topic page that offers "start the questions". */
  topic: string | null;
  questions: string[];
  results: QuestionnaireResult[];
  sources: TopicSource[];
  texts: Record<string, QuestionnaireText>;
  /** Revision of the structure and all texts; answers from another revision are discarded. */
  hash: string;
}
