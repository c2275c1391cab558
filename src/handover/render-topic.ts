/**
 * Renders a curated topic card for a user outside an engine request (a sleutelpersoon's "send a topic"), with the
 * engine's own views, so the card is exactly what the bot would show: the user's language along the fallback chain,
 * draft and fallback notes, actions and sources.
 */
import type { EngineDeps } from '../core/context.ts';
import { createCtx } from '../core/context.ts';
import type { ChannelName, Outbound } from '../core/messages.ts';
import type { Clock, ContentPort, I18n, Logger, Store } from '../core/ports.ts';
import { newSession } from '../core/session.ts';
import { renderTopicText, resolveText } from '../core/views.ts';

export interface RenderedTopic {
  messages: Outbound[];
  topicId: string;
  version: string;
  revision: string;
  locale: string;
}

export type TopicRenderer = (locale: string, topicId: string, channel: ChannelName) => RenderedTopic | null;

export function createTopicRenderer(deps: {
  store: Store;
  content: ContentPort;
  i18n: I18n;
  clock: Clock;
  logger: Logger;
  textVars?: Record<string, string | number>;
}): TopicRenderer {
  // Matching and crisis detection play no part in rendering; inert stand-ins keep the engine's types honest.
  const engineDeps: EngineDeps = {
    ...deps,
    matcher: { match: () => ({ outcome: 'none', candidates: [] }) },
    crisis: { detect: () => null },
    notifier: { requestHuman: async () => ({ status: 'unavailable', messageKey: 'handover.coming_soon' }) },
  };
  return (locale, topicId, channel) => {
    const session = newSession(channel, deps.clock.now());
    session.locale = locale;
    const ctx = createCtx(engineDeps, { kind: 'command', command: 'topic', channel, userKey: 'render' }, session);
    const resolved = resolveText(ctx, topicId);
    if (!resolved) return null;
    const { topic, text, fallback } = resolved;
    const messages: Outbound[] = [{ kind: 'text', text: renderTopicText(ctx, topic, text, fallback), lang: text.locale, dir: ctx.dir(text.locale) }];
    if (text.media?.image) {
      messages.push({
        kind: 'media',
        mediaType: 'image',
        url: `/media/${text.media.image}`,
        caption: text.title,
        lang: text.locale,
        dir: ctx.dir(text.locale),
      });
    }
    return { messages, topicId, version: ctx.snapshot.version, revision: text.hash, locale: text.locale };
  };
}
