/**
 * Shared machinery of the handover service: delivery to the user through the channel pushers, conversation
 * messages with the content version in force, audit entries, live events and helper notices.
 */
import type { ConversationMessage, ConversationRow, HandoverStore } from '../core/handover-port.ts';
import type { Outbound } from '../core/messages.ts';
import type { Clock, ContentPort, I18n, Logger, Metrics, PubSub, Pusher, Store } from '../core/ports.ts';
import type { EventBus } from './events.ts';
import type { Municipalities } from './municipalities.ts';
import type { HelperNotice } from './notice.ts';
import { offerTo } from './routing.ts';
import type { UserTexts } from './user-texts.ts';

export interface HandoverDeps {
  store: Store & HandoverStore;
  clock: Clock;
  logger: Logger;
  i18n: I18n;
  content: ContentPort;
  /** Delivery to users outside a request (web SSE, Telegram, WhatsApp). */
  pusher: Pusher;
  notice: HelperNotice;
  municipalities: Municipalities;
  /** Minutes unclaimed before the user gets an honest update (default 15). */
  updateMinutes: number;
  /** Hours unclaimed before the conversation expires (default 48). */
  expireHours: number;
  /** Base URL for links in notices and set-password links (PUBLIC_URL or http://localhost:PORT). */
  baseUrl: string;
  textVars?: Record<string, string | number>;
  /** Live inbox events between instances (PostgreSQL LISTEN/NOTIFY); without it, events stay in this process. */
  pubsub?: PubSub;
  /** Operational metrics (time to claim). */
  metrics?: Pick<Metrics, 'claimed'>;
}

export interface Kernel {
  deps: HandoverDeps;
  texts: UserTexts;
  bus: EventBus;
  now(): number;
  pushUser(c: ConversationRow, messages: Outbound[]): Promise<boolean>;
  addMessage(
    c: ConversationRow,
    m: Partial<Omit<ConversationMessage, 'id' | 'conversationId' | 'at'>> & Pick<ConversationMessage, 'sender' | 'kind'>,
  ): Promise<ConversationMessage>;
  audit(helperId: string | null, action: string, conversationId: string | null, detail?: string | null): Promise<void>;
  openCounts(): Promise<Map<string, number>>;
  /** Tells on-duty helpers (without contents) and every open inbox that the waiting list changed. */
  offer(c: ConversationRow): Promise<void>;
  scheduleWaitTimers(c: ConversationRow, from: number): Promise<void>;
}

export function createKernel(deps: HandoverDeps, texts: UserTexts, bus: EventBus): Kernel {
  const now = () => deps.clock.now();
  const k: Kernel = {
    deps,
    texts,
    bus,
    now,
    async pushUser(c, messages) {
      if (!c.userKey) return false;
      try {
        await deps.pusher.push(c.userKey, c.channel, messages);
        return true;
      } catch (e) {
        deps.logger.warn({ event: 'handover_push_failed', channel: c.channel, code: (e as { code?: string })?.code ?? null }, 'message to user not delivered');
        return false;
      }
    },
    async addMessage(c, m) {
      const row: Omit<ConversationMessage, 'id'> = {
        conversationId: c.id,
        at: now(),
        sender: m.sender,
        helperId: m.helperId ?? null,
        kind: m.kind,
        text: m.text ?? null,
        mediaType: m.mediaType ?? null,
        mediaRef: m.mediaRef ?? null,
        topicId: m.topicId ?? null,
        contentVersion: m.contentVersion ?? deps.content.current().version,
        topicRevision: m.topicRevision ?? null,
        lang: m.lang ?? null,
      };
      const id = await deps.store.appendMessage(row);
      const message = { ...row, id };
      bus.emit({ type: 'message', conversationId: c.id, message });
      return message;
    },
    async audit(helperId, action, conversationId, detail = null) {
      await deps.store.appendAudit({ at: now(), helperId, action, conversationId, detail });
    },
    async openCounts() {
      const counts = new Map<string, number>();
      for (const c of await deps.store.listConversations({ status: ['active'] })) {
        if (c.helperId) counts.set(c.helperId, (counts.get(c.helperId) ?? 0) + 1);
      }
      return counts;
    },
    async offer(c) {
      bus.emit({ type: 'waiting' });
      const helpers = offerTo(await deps.store.listHelpers(), c, now(), await k.openCounts());
      const text = `wegwijs: er wacht een gesprek (taal: ${c.locale}${c.priority === 'crisis' ? ', PRIORITEIT: crisis' : ''}). Open de inbox: ${deps.baseUrl}/helpers`;
      await Promise.all(helpers.map((h) => deps.notice.notify(h, text)));
    },
    async scheduleWaitTimers(c, from) {
      await deps.store.scheduleTimer({ id: `${c.id}:update`, conversationId: c.id, kind: 'update', dueAt: from + deps.updateMinutes * 60_000 });
      await deps.store.scheduleTimer({ id: `${c.id}:expire`, conversationId: c.id, kind: 'expire', dueAt: from + deps.expireHours * 3_600_000 });
    },
  };
  return k;
}
