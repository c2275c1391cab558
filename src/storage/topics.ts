/** Subscribers by topic, shared by both PubSub implementations. */
type Fn = (payload: unknown) => void;

/** Delivery never lets one throwing subscriber stop the others. */
export function createTopics(): { add(topic: string, fn: Fn): () => void; deliver(topic: string, payload: unknown): void; clear(): void } {
  const subs = new Map<string, Set<Fn>>();
  return {
    add(topic, fn) {
      let set = subs.get(topic);
      if (!set) {
        set = new Set();
        subs.set(topic, set);
      }
      set.add(fn);
      return () => void set.delete(fn);
    },
    deliver(topic, payload) {
      for (const fn of subs.get(topic) ?? []) {
        try {
          fn(payload);
        } catch {
          // One broken subscriber (a closed connection) must not stop delivery to the others.
        }
      }
    },
    clear: () => subs.clear(),
  };
}
