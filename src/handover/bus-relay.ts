/**
 * Carries helper inbox events between instances through the PubSub port, so a helper connected to one instance sees
 * a conversation that started on another, and the messages of a conversation wherever they were written.
 * Only ids travel: a `message` event names the conversation and the message id, and the receiving instance reads the
 * message from the database (the text never passes through NOTIFY). Events received from other instances are
 * emitted on the local bus only, never published again.
 */
import type { HandoverStore } from '../core/handover-port.ts';
import type { PubSub } from '../core/ports.ts';
import type { EventBus, HandoverEvent } from './events.ts';

export const HANDOVER_TOPIC = 'handover';

type Wire = { type: 'waiting' } | { type: 'message'; c: string; id: number } | { type: 'status'; c: string; status: string; helperId: string | null };

function toWire(e: HandoverEvent): Wire {
  if (e.type === 'waiting') return { type: 'waiting' };
  if (e.type === 'message') return { type: 'message', c: e.conversationId, id: e.message.id };
  return { type: 'status', c: e.conversationId, status: e.status, helperId: e.helperId };
}

/** Connects the local bus to the other instances; returns the function that disconnects it. */
export function relayBus(deps: { bus: EventBus; pubsub: PubSub; store: Pick<HandoverStore, 'listMessages'> }): () => void {
  const { bus, pubsub, store } = deps;
  let replaying = false;
  const offLocal = bus.on((e) => {
    if (!replaying) void pubsub.publish(HANDOVER_TOPIC, toWire(e));
  });
  const emitLocal = (e: HandoverEvent) => {
    replaying = true;
    try {
      bus.emit(e);
    } finally {
      replaying = false;
    }
  };
  // Message events are read from the database in arrival order, so a conversation's messages stay in order.
  let reads: Promise<void> = Promise.resolve();
  const offRemote = pubsub.subscribe(HANDOVER_TOPIC, (raw) => {
    const w = raw as Wire;
    if (w?.type === 'waiting') emitLocal({ type: 'waiting' });
    else if (w?.type === 'status' && typeof w.c === 'string') {
      emitLocal({ type: 'status', conversationId: w.c, status: w.status as Extract<HandoverEvent, { type: 'status' }>['status'], helperId: w.helperId });
    } else if (w?.type === 'message' && typeof w.c === 'string' && Number.isSafeInteger(w.id)) {
      reads = reads
        .then(async () => {
          const message = (await store.listMessages(w.c, w.id - 1)).find((m) => m.id === w.id);
          if (message) emitLocal({ type: 'message', conversationId: w.c, message });
        })
        .catch(() => {});
    }
  });
  return () => {
    offLocal();
    offRemote();
  };
}
