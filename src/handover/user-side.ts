/**
 * The user's side of a handover: asking (after consent), messages while waiting or connected, ending, rating,
 * "forget me", and the durable timers (honest update after N minutes unclaimed, expiry after M hours).
 */
import { randomBytes } from 'node:crypto';
import type { ConversationRow, Gender, SelfCheckShare, TopicRef } from '../core/handover-port.ts';
import type { ChannelName, Outbound } from '../core/messages.ts';
import type { Kernel } from './kernel.ts';
import { type Estimate, estimate } from './routing.ts';
import { STOP_CHOICE } from './user-texts.ts';

export interface HandoverRequestInput {
  userKey: string;
  channel: ChannelName;
  locale: string;
  priority: 'normal' | 'crisis';
  municipality: string | null;
  genderPreference: Gender | null;
  note: string | null;
  topics: TopicRef[];
  consentVersion: string;
  /** The finished self-check, only when the user agreed in the consent step to share it. */
  selfCheck?: SelfCheckShare | null;
}

/** A clean copy of shared self-check answers (booleans by question id only), or null. */
function cleanSelfCheck(s: SelfCheckShare | null | undefined): SelfCheckShare | null {
  if (!s || typeof s.questionnaire !== 'string' || !s.answers || typeof s.answers !== 'object') return null;
  const answers: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(s.answers)) if (typeof v === 'boolean') answers[k.slice(0, 64)] = v;
  return { questionnaire: s.questionnaire.slice(0, 64), yes: Object.values(answers).filter(Boolean).length, answers };
}

export interface UserMessageInput {
  kind: 'text' | 'media' | 'location';
  text?: string | null;
  mediaType?: string | null;
  mediaRef?: string | null;
  crisis?: boolean;
}

const TIMER_LEASE_MS = 60_000;

export function createUserSide(k: Kernel) {
  const { store } = k.deps;
  const T = k.texts;

  async function estimateFor(c: ConversationRow): Promise<Estimate> {
    return estimate(await store.listHelpers(), c, k.now());
  }

  /** Crisis signals while waiting or connected: the conversation moves to the top and its helper is told. */
  async function raisePriority(c: ConversationRow): Promise<void> {
    if (c.priority === 'crisis') return;
    c.priority = 'crisis';
    await store.updateConversation(c.id, { priority: 'crisis', updatedAt: k.now() });
    await k.audit(null, 'priority', c.id, 'crisis');
    k.bus.emit({ type: 'status', conversationId: c.id, status: c.status, helperId: c.helperId });
    if (c.status === 'waiting') return k.offer(c);
    const h = c.helperId ? await store.getHelper(c.helperId) : undefined;
    if (h) await k.deps.notice.notify(h, `wegwijs: een gesprek heeft nu PRIORITEIT crisis. Open de inbox: ${k.deps.baseUrl}/helpers/c/${c.id}`);
  }

  function waitingButtons(locale: string) {
    return [{ id: STOP_CHOICE, label: T.t(locale, 'handover.stop_waiting') }, T.menuButton(locale)];
  }

  return {
    estimateFor,

    /** Creates a waiting conversation (or returns the open one) and what to tell the user, honestly. */
    async request(input: HandoverRequestInput): Promise<{ conversation: ConversationRow; estimate: Estimate; messages: Outbound[]; existing: boolean }> {
      const open = await store.openConversationFor(input.userKey);
      const L = input.locale;
      if (open) {
        const key = open.status === 'active' ? 'handover.already_connected' : 'handover.already_waiting';
        const e = await estimateFor(open);
        const buttons = open.status === 'active' ? [T.endButton(L)] : waitingButtons(L);
        return { conversation: open, estimate: e, existing: true, messages: [T.ask(L, T.t(L, key), buttons)] };
      }
      const now = k.now();
      const muni = input.municipality ? k.deps.municipalities.get(input.municipality) : undefined;
      const c: ConversationRow = {
        id: randomBytes(8).toString('hex'),
        userKey: input.userKey,
        channel: input.channel,
        locale: input.locale,
        municipality: muni?.id ?? null,
        province: muni?.province ?? null,
        genderPreference: input.genderPreference,
        note: input.note ? input.note.slice(0, 300) : null,
        priority: input.priority,
        status: 'waiting',
        helperId: null,
        createdAt: now,
        claimedAt: null,
        closedAt: null,
        updatedAt: now,
        outcome: null,
        closedBy: null,
        rating: null,
        consentVersion: input.consentVersion,
        topics: input.topics,
        contentVersion: k.deps.content.current().version,
        selfCheck: cleanSelfCheck(input.selfCheck),
      };
      await store.createConversation(c);
      await k.scheduleWaitTimers(c, now);
      await k.audit(null, 'request', c.id, c.priority);
      k.deps.logger.info(
        { event: 'handover_requested', locale: c.locale, priority: c.priority, region: c.municipality ? 'given' : 'none' },
        'handover requested',
      );
      await k.offer(c);
      const e = await estimateFor(c);
      const text = `${T.t(L, 'handover.queued')}\n\n${T.estimate(L, e, k.deps.updateMinutes)}`;
      return { conversation: c, estimate: e, existing: false, messages: [T.ask(L, text, waitingButtons(L))] };
    },

    /** A message from the user while waiting or connected: stored for the helper; crisis raises the priority. */
    raisePriority,

    async userMessage(c: ConversationRow, m: UserMessageInput): Promise<void> {
      if (m.crisis) await raisePriority(c);
      await k.addMessage(c, {
        sender: 'user',
        kind: m.kind,
        text: m.text ?? null,
        mediaType: m.mediaType ?? null,
        mediaRef: m.mediaRef ?? null,
        lang: c.locale,
      });
      await store.updateConversation(c.id, { updatedAt: k.now() });
    },

    waitingAck(c: ConversationRow): Outbound[] {
      return [T.ask(c.locale, T.t(c.locale, 'handover.waiting_ack'), waitingButtons(c.locale))];
    },

    /** The user ends (connected) or stops waiting; returns the reply with the one-tap rating when a helper was there. */
    async endByUser(c: ConversationRow): Promise<Outbound[]> {
      const now = k.now();
      const wasActive = c.status === 'active';
      const done = await store.updateConversation(c.id, { status: 'closed', closedAt: now, closedBy: 'user', updatedAt: now }, ['waiting', 'active']);
      if (!done) return [];
      await store.cancelTimers(c.id);
      await k.addMessage(c, { sender: 'system', kind: 'event', text: 'ended-by-user' });
      await k.audit(null, 'user-end', c.id);
      k.bus.emit({ type: 'status', conversationId: c.id, status: 'closed', helperId: c.helperId });
      k.bus.emit({ type: 'waiting' });
      const L = c.locale;
      if (wasActive) return [T.rating(L, c.id, T.t(L, 'handover.ended_user'))];
      return [T.ask(L, T.t(L, 'handover.stopped_waiting'), [T.menuButton(L)], 'list')];
    },

    async rate(conversationId: string, userKey: string, rating: number): Promise<boolean> {
      const c = await store.getConversation(conversationId);
      if (!c || c.userKey !== userKey || c.status !== 'closed' || c.helperId === null || rating < 1 || rating > 3) return false;
      return store.updateConversation(c.id, { rating });
    },

    /** After "forget me": the store already deleted the conversation; tell any open inbox neutrally. */
    forgotten(conversationId: string): void {
      k.bus.emit({ type: 'status', conversationId, status: 'forgotten', helperId: null });
      k.bus.emit({ type: 'waiting' });
    },

    /** Runs due timers; returns how many fired. Safe with several instances (timers are leased). */
    async runTimers(): Promise<number> {
      const now = k.now();
      let fired = 0;
      for (const t of await store.dueTimers(now, 50)) {
        if (!(await store.takeTimer(t.id, now, TIMER_LEASE_MS))) continue;
        const c = await store.getConversation(t.conversationId);
        if (c?.status === 'waiting') {
          const L = c.locale;
          if (t.kind === 'update') {
            const e = await estimateFor(c);
            await k.pushUser(c, [
              T.ask(L, `${T.t(L, 'handover.update', { minutes: k.deps.updateMinutes })}\n\n${T.estimate(L, e, k.deps.updateMinutes)}`, waitingButtons(L)),
            ]);
            await k.addMessage(c, { sender: 'system', kind: 'event', text: 'update-sent' });
            fired++;
          } else if (await store.updateConversation(c.id, { status: 'expired', closedAt: now, closedBy: 'timer', updatedAt: now }, ['waiting'])) {
            await store.cancelTimers(c.id);
            await k.pushUser(c, [T.ask(L, `${T.t(L, 'handover.expired')}\n\n${T.alternatives(L)}`, [T.menuButton(L)], 'list')]);
            await k.addMessage(c, { sender: 'system', kind: 'event', text: 'expired' });
            await k.audit(null, 'expire', c.id);
            k.bus.emit({ type: 'status', conversationId: c.id, status: 'expired', helperId: null });
            k.bus.emit({ type: 'waiting' });
            fired++;
          }
        }
        await store.completeTimer(t.id);
      }
      return fired;
    },
  };
}

export type UserSide = ReturnType<typeof createUserSide>;
