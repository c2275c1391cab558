/**
 * Events for the helper inbox (Server-Sent Events), in-process. With several instances, `bus-relay.ts` carries them
 * to the other instances through the PubSub port (PostgreSQL LISTEN/NOTIFY).
 */
import type { ConversationMessage, ConversationStatus } from '../core/handover-port.ts';

export type HandoverEvent =
  /** The set of waiting conversations changed (new, claimed, released, expired, closed). No contents. */
  | { type: 'waiting' }
  | { type: 'message'; conversationId: string; message: ConversationMessage }
  | { type: 'status'; conversationId: string; status: ConversationStatus | 'forgotten'; helperId: string | null };

export interface EventBus {
  on(fn: (e: HandoverEvent) => void): () => void;
  emit(e: HandoverEvent): void;
  size(): number;
}

export function createEventBus(): EventBus {
  const listeners = new Set<(e: HandoverEvent) => void>();
  return {
    on(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    emit(e) {
      for (const fn of listeners) {
        try {
          fn(e);
        } catch {
          // A broken connection must not stop delivery to the others.
        }
      }
    },
    size: () => listeners.size,
  };
}
