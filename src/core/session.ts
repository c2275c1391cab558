/**
 * Per-user conversation state, stored as JSON through the store port. Kept small on purpose:
 * it holds what the engine needs to continue a conversation, nothing more (see the `privacy` topic).
 */
import type { ChannelName } from './messages.ts';

/** Where the user is. Feature flows (handover, questionnaire, social map) add their own states. */
export type FlowState =
  | { name: 'language' }
  | { name: 'menu' }
  | { name: 'category'; id: string }
  | { name: 'topic'; id: string; category?: string }
  | { name: 'confirm-forget' }
  | { name: string; [key: string]: unknown };

export interface TopicRead {
  id: string;
  version: string;
  revision: string;
  at: number;
}

export interface SessionData {
  v: 1;
  channel: ChannelName;
  locale: string | null;
  state: FlowState;
  /** Choice ids of the last menu shown, so a typed digit picks the matching option. */
  lastChoices: string[];
  /** Topics read in this session, most recent last (capped). */
  topicsRead: TopicRead[];
  municipality: string | null;
  createdAt: number;
  /** Free space for feature flows (questionnaire answers, handover draft); cleared with the session. */
  flow: Record<string, unknown>;
}

export const MAX_TOPICS_READ = 30;

export function newSession(channel: ChannelName, now: number): SessionData {
  return {
    v: 1,
    channel,
    locale: null,
    state: { name: 'language' },
    lastChoices: [],
    topicsRead: [],
    municipality: null,
    createdAt: now,
    flow: {},
  };
}

/** Parses a stored session; returns null when the row is corrupt or from an unknown format version. */
export function parseSession(raw: string): SessionData | null {
  try {
    const d = JSON.parse(raw) as Partial<SessionData> | null;
    if (!d || typeof d !== 'object' || d.v !== 1) return null;
    if (typeof d.state !== 'object' || d.state === null || typeof d.state.name !== 'string') return null;
    if (d.locale !== null && typeof d.locale !== 'string') return null;
    if (!Array.isArray(d.lastChoices) || !Array.isArray(d.topicsRead)) return null;
    return {
      ...d,
      municipality: typeof d.municipality === 'string' ? d.municipality : null,
      flow: typeof d.flow === 'object' && d.flow !== null ? d.flow : {},
    } as SessionData;
  } catch {
    return null;
  }
}
