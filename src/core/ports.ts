/**
 * The engine's ports. Adapters in `src/storage`, `src/content`, `src/search`, `src/handover` and the channels
 * implement them; `src/main.ts` wires them. The engine imports no platform SDK, web framework or database driver.
 */
import type { ContentSnapshot, CrisisSignal } from './content-types.ts';
import type { SelfCheckShare } from './handover-port.ts';
import type { ChannelName, Outbound } from './messages.ts';

/** Wall-clock time, injectable so that tests and timers are deterministic. */
export interface Clock {
  now(): number;
}

/** Structured logger (pino-compatible subset). Never pass message texts or platform ids to it. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A stored session row: `data` is opaque JSON the engine parses (and resets if corrupt). */
export interface SessionRow {
  userKey: string;
  channel: ChannelName;
  data: string;
  updatedAt: number;
}

/** One line of a user's transcript: what was said and shown, with the content version in force. */
export interface TranscriptEntry {
  userKey: string;
  /** Conversation with a sleutelpersoon, when the entry belongs to one. */
  conversationId?: string | null;
  at: number;
  direction: 'in' | 'out' | 'helper' | 'system';
  /** For `out`: the topic shown. */
  topicId?: string | null;
  contentVersion?: string | null;
  topicRevision?: string | null;
  text?: string | null;
}

/**
 * Persistence. One contract test suite (`test/storage/contract.ts`) runs against every implementation.
 * All methods are idempotent where the name says so; none throws on a missing row.
 */
export interface Store {
  getSession(userKey: string): Promise<SessionRow | undefined>;
  saveSession(row: SessionRow): Promise<void>;
  deleteSession(userKey: string): Promise<void>;
  /**
   * Marks a platform message id as processed. Returns true the first time, false for a duplicate.
   * Backed by a unique constraint, so it holds across instances. With `userKey`, "forget me" removes the key too
   * (platform message ids can encode the sender: a WhatsApp wamid contains the phone number).
   */
  markProcessed(key: string, at: number, userKey?: string): Promise<boolean>;
  appendTranscript(entry: TranscriptEntry): Promise<void>;
  listTranscript(userKey: string, limit?: number): Promise<TranscriptEntry[]>;
  /** An unanswered question: text and locale only, never who asked. */
  recordUnmatched(locale: string, text: string, at: number): Promise<void>;
  topUnmatched(sinceMs: number, limitPerLocale: number): Promise<{ locale: string; text: string; count: number }[]>;
  /** Aggregate counters without identifiers (crisis detections, feedback, match outcomes). */
  incrementCounter(name: string, key: string, at: number): Promise<void>;
  counters(name: string, sinceMs: number): Promise<{ key: string; day: string; count: number }[]>;
  /**
   * The platform address needed to reply later (Telegram chat id, WhatsApp phone number), kept apart from
   * sessions and only as long as the session lives. Never logged, never shown to helpers.
   */
  saveAddress(userKey: string, channel: ChannelName, address: string, at: number): Promise<void>;
  getAddress(userKey: string): Promise<{ channel: ChannelName; address: string } | undefined>;
  /** Deletes everything linked to this user key in every table ("forget me"). */
  forgetUser(userKey: string): Promise<void>;
  /**
   * Cluster-wide claim of a periodic job: returns true for exactly one caller per `periodMs` across all instances
   * sharing the database (one atomic upsert), false while the last run by anyone is younger than `periodMs`.
   * `owner` only records who ran it last (for operators); it plays no part in the decision.
   */
  claimJob(name: string, periodMs: number, now: number, owner: string): Promise<boolean>;
  /** Retention (`src/privacy/retention.ts`): deletes what outlived its period. Idempotent; returns rows deleted per kind. */
  purgeExpired(cutoffs: RetentionCutoffs): Promise<RetentionCounts>;
  /**
   * Up to `limit` user keys idle since `before`: the session was last saved before it (or, without a session, the
   * reply address), and no handover conversation of theirs is waiting or active. Retention forgets these users.
   */
  idleUsers(before: number, limit: number): Promise<string[]>;
  ping(): Promise<boolean>;
  // --- durable channel intake (WhatsApp): see IntakeItem ---
  /** Stores a new queue row. Returns false (and stores nothing) when `(channel, messageId)` already exists. */
  intakeAdd(item: IntakeNew): Promise<boolean>;
  /**
   * Claims up to `limit` rows for processing under a lease until `now + leaseMs`: per user only the oldest
   * unfinished row, and only when it is due (`notBefore <= now`) and not leased by another worker.
   */
  intakeClaim(channel: ChannelName, now: number, leaseMs: number, limit: number): Promise<IntakeItem[]>;
  /** Updates a row; `release` ends the lease. Reaching `done` or `failed` clears payload and outbound. */
  intakeUpdate(id: number, patch: IntakePatch): Promise<void>;
  intakeCounts(channel: ChannelName): Promise<Record<IntakeItem['state'], number>>;
  /** Deletes finished intake rows, outbound records and held messages older than `before`. */
  intakePrune(channel: ChannelName, before: number): Promise<number>;
  /** Records a message sent to a platform (its platform id) so status callbacks can update it. */
  outboundRecord(rec: { channel: ChannelName; messageId: string; userKey: string; payload: string | null; at: number }): Promise<void>;
  /**
   * Applies a status callback: never downgrades (read > delivered > sent), `failed` always wins. Delivered and
   * read clear the kept payload. Returns the record after the update, or undefined for an unknown id.
   */
  outboundStatus(channel: ChannelName, messageId: string, status: OutboundStatus, at: number, errorCode?: string | null): Promise<OutboundRecord | undefined>;
  getOutbound(channel: ChannelName, messageId: string): Promise<OutboundRecord | undefined>;
  /** Last inbound message time (only moves forward) and last re-engagement template time per user and channel. */
  contactNote(userKey: string, channel: ChannelName, what: 'inbound' | 'template', at: number): Promise<void>;
  contactTimes(userKey: string, channel: ChannelName): Promise<{ lastInboundAt: number | null; templateAt: number | null } | undefined>;
  /** Messages held until the user writes again (outside the platform's reply window), oldest first. */
  holdMessage(userKey: string, channel: ChannelName, payload: string, at: number): Promise<void>;
  listHeld(userKey: string, channel: ChannelName): Promise<{ id: number; payload: string; at: number }[]>;
  deleteHeld(ids: number[]): Promise<void>;
  close(): Promise<void>;
}

/** Timestamps (ms) before which rows are deleted by `Store.purgeExpired`. */
export interface RetentionCutoffs {
  /**
   * Transcript lines: without a conversation when written before this; of a handover conversation when it closed
   * before this (or no longer exists). Also held messages and consent records given before this whose user has no
   * conversation that still holds data.
   */
  transcriptsBefore: number;
  /** Unanswered-question texts. */
  unmatchedBefore: number;
  /**
   * Redelivery protection only: processed message keys, finished intake rows and outbound delivery records. Also
   * helper sessions and one-time links that expired before this.
   */
  dedupeBefore: number;
}

export interface RetentionCounts {
  transcripts: number;
  consents: number;
  held: number;
  unmatched: number;
  processed: number;
  intake: number;
  outbound: number;
  /** Expired helper sessions and one-time links. */
  helperSessions: number;
}

/** Read access to the active content version. `current()` always returns a complete snapshot. */
export interface ContentPort {
  current(): ContentSnapshot;
}

/** A scored candidate topic for a free-text question. */
export interface MatchCandidate {
  topicId: string;
  score: number;
}

/** Result of matching a free-text question against the catalogue. */
export interface MatchResult {
  /** `answer`: one confident topic; `choices`: up to three close candidates; `none`: nothing confident. */
  outcome: 'answer' | 'choices' | 'none';
  candidates: MatchCandidate[];
}

/** Free-text understanding. Implementations keep one index per locale. */
export interface Matcher {
  match(locale: string, text: string): MatchResult;
}

/** Crisis detection: simple, auditable phrase lists from content, checked in all locales at once. */
export interface CrisisDetector {
  detect(text: string): { signal: CrisisSignal; locale: string; phrase: string } | null;
}

/** Localised UI strings (i18next behind it). `t` is per call, never a global language switch. */
export interface I18n {
  t(locale: string, key: string, vars?: Record<string, unknown>): string;
  /** True when the key has a real translation in this locale (not a fallback). */
  has(locale: string, key: string): boolean;
}

/** What a user asked of a human, handed to the handover module. */
export interface HandoverRequest {
  userKey: string;
  channel: ChannelName;
  locale: string;
  priority: 'normal' | 'crisis';
  municipality?: string | null;
  genderPreference?: 'woman' | 'man' | null;
  note?: string | null;
  topicsRead: { id: string; version: string; revision: string }[];
  consentVersion: string;
  /** Only when the user agreed, in the consent step, to share their finished self-check. */
  selfCheck?: SelfCheckShare | null;
}

/**
 * Hands a conversation to people: sleutelpersonen. The walking skeleton ships a notifier that says
 * "coming soon"; `src/handover` replaces it with real routing.
 */
export interface Notifier {
  /** Queues a request for a sleutelpersoon. Returns what to tell the user. */
  requestHuman(req: HandoverRequest): Promise<{ status: 'queued' | 'unavailable'; etaMinutes?: number | null; messageKey: string }>;
}

/** Sends messages to a user outside a request/response cycle (helper replies, timer messages). */
export interface Pusher {
  push(userKey: string, channel: ChannelName, messages: Outbound[]): Promise<void>;
}

/**
 * Messages between the instances of one deployment, for live screens: web chat pushes and helper inbox updates.
 * `publish` delivers to this instance's subscribers at once and to the other instances' subscribers soon after
 * (PostgreSQL LISTEN/NOTIFY); with SQLite there is one instance and delivery is in-process. At most once and only to
 * instances connected at the time: anything that must not be lost goes through the Store, not through here.
 * Payloads are JSON values without platform ids or phone numbers.
 */
export interface PubSub {
  publish(topic: string, payload: unknown): Promise<void>;
  /** Returns the unsubscribe function. A throwing subscriber never stops delivery to the others. */
  subscribe(topic: string, fn: (payload: unknown) => void): () => void;
  close(): Promise<void>;
}

/** Match outcomes as operators see them (the crisis card counts as its own outcome). */
export type MatchOutcomeLabel = 'answered' | 'choices' | 'not_found' | 'crisis';

/**
 * Operational metrics without identifiers or texts. `src/ops/metrics.ts` implements it with prom-client; the engine,
 * channels and handover only call these methods, so none of them depends on a metrics library.
 */
export interface Metrics {
  messageIn(channel: ChannelName): void;
  messagesOut(channel: ChannelName, count: number): void;
  matchOutcome(outcome: MatchOutcomeLabel): void;
  /** A failed call to a platform API, by the platform's error code (HTTP status or API code). */
  platformError(channel: ChannelName, code: string | number): void;
  /** A sleutelpersoon claimed a waiting conversation after `waitMs`. */
  claimed(waitMs: number): void;
}

/** Lifecycle of an intake row: `new` (stored), `ready` (replies computed, `sent` of them delivered), `done`, `failed`. */
export type IntakeState = 'new' | 'ready' | 'done' | 'failed';

/**
 * One row of a channel's durable intake queue: an inbound platform message stored before the webhook is
 * acknowledged (`in`), a message pushed later (`push`), or a re-engagement notice (`notify`). Rows of one user are
 * processed strictly in order; `(channel, messageId)` is unique, so a redelivered webhook is stored once.
 */
export interface IntakeItem {
  id: number;
  channel: ChannelName;
  messageId: string;
  userKey: string;
  kind: 'in' | 'push' | 'notify';
  /** JSON the channel needs to process the row (the inbound payload, or the pushed messages); cleared when finished. */
  payload: string;
  /** JSON of the rendered platform messages, once computed; delivery resumes at index `sent`. */
  outbound: string | null;
  state: IntakeState;
  sent: number;
  attempts: number;
  receivedAt: number;
  notBefore: number;
}

export type IntakeNew = Pick<IntakeItem, 'channel' | 'messageId' | 'userKey' | 'kind' | 'payload'> & { at: number };

export type IntakePatch = Partial<Pick<IntakeItem, 'state' | 'outbound' | 'sent' | 'attempts' | 'notBefore'>> & { release?: boolean };

export type OutboundStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface OutboundRecord {
  channel: ChannelName;
  messageId: string;
  userKey: string;
  status: OutboundStatus;
  errorCode: string | null;
  /** The rendered message, kept until delivered so a message refused outside the reply window can be held. */
  payload: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Persistence of the handover to sleutelpersonen (conversations, helpers, consent, audit, timers): see handover-port.ts. */
export type { HandoverStore } from './handover-port.ts';
