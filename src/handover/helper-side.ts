/**
 * The sleutelpersoon's actions on conversations. Every action checks access first: a helper sees and takes only
 * waiting conversations in their languages and regions, and acts only on conversations they hold. Each action is
 * written to the audit log (never with contents).
 */
import { type ConversationMessage, type ConversationRow, type HelperRow, OUTCOMES, type Outcome } from '../core/handover-port.ts';
import { MAX_INBOUND_TEXT } from '../core/messages.ts';
import type { Kernel } from './kernel.ts';
import type { TopicRenderer } from './render-topic.ts';
import { mayTake } from './routing.ts';

export type ActionError = 'not_found' | 'forbidden' | 'taken' | 'limit' | 'not_active' | 'bad_request' | 'undelivered';
export type ActionResult = { ok: true; conversation: ConversationRow } | { ok: false; error: ActionError };

const fail = (error: ActionError): ActionResult => ({ ok: false, error });

export function createHelperSide(k: Kernel, renderTopic: TopicRenderer) {
  const { store } = k.deps;
  const T = k.texts;

  /** The conversation when this helper may see it: their own, or waiting and in their languages and regions. */
  async function visible(h: HelperRow, id: string): Promise<ConversationRow | ActionError> {
    const c = typeof id === 'string' && /^[0-9a-f]{16}$/.test(id) ? await store.getConversation(id) : undefined;
    if (!c) return 'not_found';
    if (c.helperId === h.id) return c;
    if (c.status === 'waiting' && mayTake(h, c)) return c;
    return 'forbidden';
  }

  async function mine(h: HelperRow, id: string): Promise<ConversationRow | ActionError> {
    const c = await visible(h, id);
    if (typeof c === 'string') return c;
    if (c.helperId !== h.id) return 'forbidden';
    return c.status === 'active' ? c : 'not_active';
  }

  return {
    visible,

    async view(h: HelperRow, id: string): Promise<{ conversation: ConversationRow; messages: ConversationMessage[] } | ActionError> {
      const c = await visible(h, id);
      if (typeof c === 'string') return c;
      await k.audit(h.id, 'view', c.id);
      return { conversation: c, messages: await store.listMessages(c.id) };
    },

    /** Waiting conversations this helper may take: crisis first, then the longest waiting. */
    async waitingFor(h: HelperRow): Promise<ConversationRow[]> {
      const waiting = (await store.listConversations({ status: ['waiting'] })).filter((c) => mayTake(h, c));
      return waiting.sort((a, b) => (a.priority === b.priority ? a.createdAt - b.createdAt : a.priority === 'crisis' ? -1 : 1));
    },

    async mine(h: HelperRow): Promise<ConversationRow[]> {
      return store.listConversations({ status: ['active'], helperId: h.id });
    },

    async claim(h: HelperRow, id: string): Promise<ActionResult> {
      const c = /^[0-9a-f]{16}$/.test(id) ? await store.getConversation(id) : undefined;
      if (!c) return fail('not_found');
      if (!mayTake(h, c)) return fail('forbidden');
      if (c.status !== 'waiting') return fail(c.helperId === h.id ? 'not_active' : 'taken');
      if (((await k.openCounts()).get(h.id) ?? 0) >= h.maxOpen) return fail('limit');
      if (!(await store.claimConversation(c.id, h.id, k.now()))) return fail('taken');
      if (c.claimedAt === null) k.deps.metrics?.claimed(k.now() - c.createdAt);
      await store.cancelTimers(c.id);
      await k.audit(h.id, 'claim', c.id);
      const claimed = { ...c, status: 'active' as const, helperId: h.id };
      await k.addMessage(claimed, { sender: 'system', kind: 'event', text: 'claimed', helperId: h.id });
      await k.pushUser(claimed, [T.ask(c.locale, T.t(c.locale, 'handover.connected', { name: h.name }), [T.endButton(c.locale)])]);
      k.bus.emit({ type: 'status', conversationId: c.id, status: 'active', helperId: h.id });
      k.bus.emit({ type: 'waiting' });
      return { ok: true, conversation: claimed };
    },

    async reply(h: HelperRow, id: string, raw: unknown): Promise<ActionResult> {
      const text = typeof raw === 'string' ? raw.trim() : '';
      if (!text || text.length > MAX_INBOUND_TEXT) return fail('bad_request');
      const c = await mine(h, id);
      if (typeof c === 'string') return fail(c);
      await k.addMessage(c, { sender: 'helper', kind: 'text', text, helperId: h.id, lang: c.locale });
      await k.audit(h.id, 'reply', c.id);
      const delivered = await k.pushUser(c, [T.text(c.locale, `👤 ${h.name}: ${text}`)]);
      return delivered ? { ok: true, conversation: c } : fail('undelivered');
    },

    async sendTopic(h: HelperRow, id: string, topicId: unknown): Promise<ActionResult> {
      const c = await mine(h, id);
      if (typeof c === 'string') return fail(c);
      const r = typeof topicId === 'string' ? renderTopic(c.locale, topicId, c.channel) : null;
      if (!r) return fail('bad_request');
      await k.addMessage(c, {
        sender: 'helper',
        kind: 'topic',
        helperId: h.id,
        topicId: r.topicId,
        contentVersion: r.version,
        topicRevision: r.revision,
        lang: r.locale,
      });
      await k.audit(h.id, 'topic', c.id, r.topicId);
      const intro = T.text(c.locale, T.t(c.locale, 'handover.topic_sent', { name: h.name }));
      return (await k.pushUser(c, [intro, ...r.messages])) ? { ok: true, conversation: c } : fail('undelivered');
    },

    async note(h: HelperRow, id: string, raw: unknown): Promise<ActionResult> {
      const text = typeof raw === 'string' ? raw.trim() : '';
      if (!text || text.length > MAX_INBOUND_TEXT) return fail('bad_request');
      const c = await visible(h, id);
      if (typeof c === 'string') return fail(c);
      await k.addMessage(c, { sender: 'note', kind: 'text', text, helperId: h.id, lang: 'nl' });
      await k.audit(h.id, 'note', c.id);
      return { ok: true, conversation: c };
    },

    async release(h: HelperRow, id: string): Promise<ActionResult> {
      const c = await mine(h, id);
      if (typeof c === 'string') return fail(c);
      if (!(await store.updateConversation(c.id, { status: 'waiting', helperId: null, updatedAt: k.now() }, ['active']))) return fail('not_active');
      const back = { ...c, status: 'waiting' as const, helperId: null };
      await k.scheduleWaitTimers(back, k.now());
      await k.audit(h.id, 'release', c.id);
      await k.addMessage(back, { sender: 'system', kind: 'event', text: 'released', helperId: h.id });
      await k.pushUser(back, [T.text(c.locale, T.t(c.locale, 'handover.released'))]);
      k.bus.emit({ type: 'status', conversationId: c.id, status: 'waiting', helperId: null });
      await k.offer(back);
      return { ok: true, conversation: back };
    },

    /** Colleagues who may take over: active, speak the language, cover the region. */
    async transferTargets(h: HelperRow, c: ConversationRow): Promise<HelperRow[]> {
      return (await store.listHelpers()).filter((x) => x.id !== h.id && mayTake(x, c));
    },

    async transfer(h: HelperRow, id: string, toId: unknown): Promise<ActionResult> {
      const c = await mine(h, id);
      if (typeof c === 'string') return fail(c);
      const to = typeof toId === 'string' ? await store.getHelper(toId) : undefined;
      if (!to || to.id === h.id || !mayTake(to, c)) return fail('bad_request');
      if (!(await store.updateConversation(c.id, { helperId: to.id, updatedAt: k.now() }, ['active']))) return fail('not_active');
      const moved = { ...c, helperId: to.id };
      await k.audit(h.id, 'transfer', c.id, to.id);
      await k.addMessage(moved, { sender: 'system', kind: 'event', text: 'transferred', helperId: h.id });
      await k.pushUser(moved, [T.ask(c.locale, T.t(c.locale, 'handover.transferred', { name: to.name }), [T.endButton(c.locale)])]);
      k.bus.emit({ type: 'status', conversationId: c.id, status: 'active', helperId: to.id });
      await k.deps.notice.notify(to, `wegwijs: een collega heeft een gesprek aan je overgedragen. Open de inbox: ${k.deps.baseUrl}/helpers/c/${c.id}`);
      return { ok: true, conversation: moved };
    },

    async close(h: HelperRow, id: string, outcome: unknown): Promise<ActionResult> {
      if (typeof outcome !== 'string' || !(OUTCOMES as readonly string[]).includes(outcome)) return fail('bad_request');
      const c = await mine(h, id);
      if (typeof c === 'string') return fail(c);
      const now = k.now();
      const patch = { status: 'closed' as const, outcome: outcome as Outcome, closedAt: now, closedBy: 'helper' as const, updatedAt: now };
      if (!(await store.updateConversation(c.id, patch, ['active']))) return fail('not_active');
      await store.cancelTimers(c.id);
      await k.audit(h.id, 'close', c.id, outcome);
      const closed = { ...c, ...patch };
      await k.addMessage(closed, { sender: 'system', kind: 'event', text: `closed:${outcome}`, helperId: h.id });
      await k.pushUser(closed, [T.rating(c.locale, c.id, T.t(c.locale, 'handover.ended_helper'))]);
      k.bus.emit({ type: 'status', conversationId: c.id, status: 'closed', helperId: h.id });
      return { ok: true, conversation: closed };
    },
  };
}

export type HelperSide = ReturnType<typeof createHelperSide>;
