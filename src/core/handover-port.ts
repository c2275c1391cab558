/**
 * Persistence port of the handover to sleutelpersonen: conversations, their messages (with the content version in
 * force), helper accounts and sessions, consent records, the audit log and durable timers.
 * Implemented by the SQL store (`src/storage/handover-sql.ts`, `src/storage/helper-sql.ts`) and the in-memory fake;
 * one contract suite (`test/storage/handover-contract.ts`) runs against all of them.
 * `Store.forgetUser` also deletes a user's conversations (with shared self-check answers), messages, timers and consent
 * records.
 */
import type { ChannelName } from './messages.ts';

export type ConversationStatus = 'waiting' | 'active' | 'closed' | 'expired';
export const OUTCOMES = ['information', 'huisarts', 'ggz', 'practical', 'crisis', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type Gender = 'woman' | 'man';

export interface TopicRef {
  id: string;
  version: string;
  revision: string;
}

/**
 * A finished self-check the user agreed to share with the sleutelpersoon in the consent step: the questionnaire id,
 * the number of "yes" answers and each answer by question id. Never stored without that agreement.
 */
export interface SelfCheckShare {
  questionnaire: string;
  yes: number;
  answers: Record<string, boolean>;
}

export interface ConversationRow {
  id: string;
  /** Null after retention purged the link to the user; statistics stay. */
  userKey: string | null;
  channel: ChannelName;
  locale: string;
  /** Municipality slug (see `src/handover/gemeenten.json`) and its province slug, when the user gave one. */
  municipality: string | null;
  province: string | null;
  genderPreference: Gender | null;
  note: string | null;
  priority: 'normal' | 'crisis';
  status: ConversationStatus;
  helperId: string | null;
  createdAt: number;
  claimedAt: number | null;
  closedAt: number | null;
  updatedAt: number;
  outcome: Outcome | null;
  closedBy: 'helper' | 'user' | 'timer' | 'forgotten' | null;
  rating: number | null;
  consentVersion: string;
  /** Topics the user read in this session before asking, with content version and revision. */
  topics: TopicRef[];
  /** Content version in force when the conversation started. */
  contentVersion: string;
  /** Self-check answers, only when the user agreed to share them; deleted with the conversation and by retention. */
  selfCheck: SelfCheckShare | null;
}

export type ConversationPatch = Partial<
  Pick<ConversationRow, 'status' | 'helperId' | 'priority' | 'claimedAt' | 'closedAt' | 'updatedAt' | 'outcome' | 'closedBy' | 'rating'>
>;

export interface ConversationMessage {
  id: number;
  conversationId: string;
  at: number;
  /** `note` is internal: never sent to the user. `system`: events such as "claimed by". */
  sender: 'user' | 'helper' | 'system' | 'note';
  helperId: string | null;
  kind: 'text' | 'media' | 'topic' | 'location' | 'event';
  text: string | null;
  mediaType: string | null;
  mediaRef: string | null;
  topicId: string | null;
  contentVersion: string | null;
  topicRevision: string | null;
  lang: string | null;
}

export interface HelperRow {
  id: string;
  login: string;
  name: string;
  languages: string[];
  /** Municipality or province slugs; `*` (or an empty list) covers the whole country. */
  regions: string[];
  coordinator: boolean;
  gender: Gender | null;
  maxOpen: number;
  /** Weekly availability in Europe/Amsterdam, e.g. `mo-fr 09:00-12:00, we 13:00-17:00`. Empty: no fixed hours. */
  schedule: string;
  active: boolean;
  passwordHash: string | null;
  /** Pseudonymous user key of the helper's linked Telegram chat, for notices; never a chat id. */
  telegramKey: string | null;
  createdAt: number;
}

export type HelperPatch = Partial<Omit<HelperRow, 'id' | 'createdAt'>>;

export interface HelperSessionRow {
  /** SHA-256 of the cookie value; the cookie itself is never stored. */
  idHash: string;
  helperId: string;
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

export interface AuditEntry {
  at: number;
  helperId: string | null;
  action: string;
  conversationId: string | null;
  /** Never message contents: an outcome, a topic id, a transfer target. */
  detail: string | null;
}

export interface ConsentRecord {
  userKey: string;
  at: number;
  version: string;
  locale: string;
  granted: boolean;
}

export interface HandoverTimer {
  id: string;
  conversationId: string;
  kind: 'update' | 'expire';
  dueAt: number;
}

export interface HandoverStore {
  createConversation(row: ConversationRow): Promise<void>;
  getConversation(id: string): Promise<ConversationRow | undefined>;
  /** The user's waiting or active conversation, if any. */
  openConversationFor(userKey: string): Promise<ConversationRow | undefined>;
  listConversations(filter: { status?: ConversationStatus[]; helperId?: string; sinceMs?: number }): Promise<ConversationRow[]>;
  /** How many conversations wait and how many are claimed (`active`) right now: one cheap query, for metrics. */
  conversationCounts(): Promise<{ waiting: number; active: number }>;
  /** Atomic: succeeds for exactly one caller while the conversation is waiting. */
  claimConversation(id: string, helperId: string, at: number): Promise<boolean>;
  /** Applies `patch` when the status is one of `onlyIf` (any status when omitted); true when a row changed. */
  updateConversation(id: string, patch: ConversationPatch, onlyIf?: ConversationStatus[]): Promise<boolean>;
  appendMessage(m: Omit<ConversationMessage, 'id'>): Promise<number>;
  listMessages(conversationId: string, afterId?: number): Promise<ConversationMessage[]>;
  /**
   * Retention: deletes messages of conversations closed before `before`, and their note, topics and shared self-check
   * answers, and unlinks them from users.
   */
  purgeConversations(before: number): Promise<number>;

  createHelper(row: HelperRow): Promise<void>;
  getHelper(id: string): Promise<HelperRow | undefined>;
  getHelperByLogin(login: string): Promise<HelperRow | undefined>;
  listHelpers(): Promise<HelperRow[]>;
  updateHelper(id: string, patch: HelperPatch): Promise<boolean>;
  saveHelperToken(hash: string, helperId: string, purpose: 'set-password' | 'telegram-link', expiresAt: number): Promise<void>;
  /** Returns the helper id once for a valid, unexpired token, then never again. */
  consumeHelperToken(hash: string, purpose: 'set-password' | 'telegram-link', now: number): Promise<string | undefined>;
  createHelperSession(row: HelperSessionRow): Promise<void>;
  getHelperSession(idHash: string, now: number): Promise<HelperSessionRow | undefined>;
  deleteHelperSession(idHash: string): Promise<void>;

  appendAudit(e: AuditEntry): Promise<void>;
  listAudit(limit: number): Promise<AuditEntry[]>;
  recordConsent(c: ConsentRecord): Promise<void>;
  listConsents(userKey: string): Promise<ConsentRecord[]>;

  /** Creates or moves a timer (same id). */
  scheduleTimer(t: HandoverTimer): Promise<void>;
  cancelTimers(conversationId: string): Promise<void>;
  dueTimers(now: number, limit: number): Promise<HandoverTimer[]>;
  /** Leases a due timer to one runner (several instances may poll); false when another runner has it. */
  takeTimer(id: string, now: number, leaseMs: number): Promise<boolean>;
  completeTimer(id: string): Promise<void>;
}
