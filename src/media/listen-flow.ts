/**
 * "Listen" on a topic page where the topic's text in the user's language (or its fallback) has an audio file:
 * sends it as a voice message (Ogg/Opus) or an audio file (MP3/M4A). Machine voices say so in the caption
 * ("computer voice") until a sleutelpersoon records a real voice. Choice id: `listen:<topic>~<marker>`.
 * @see https://core.telegram.org/bots/api#sendvoice (OGG/Opus voice) and #sendaudio (MP3/M4A only)
 */

import { mediaType } from '../content/media-check.ts';
import { choiceId } from '../core/choice-ids.ts';
import type { Ctx, Flow } from '../core/context.ts';
import { resolveText } from '../core/views.ts';

/** Public URL path of a file in `content/media/` (served by `createMediaRouter`). */
export const mediaUrl = (name: string) => `/media/${name.split('/').map(encodeURIComponent).join('/')}`;

function audioOf(ctx: Ctx, topicId: string) {
  const r = resolveText(ctx, topicId);
  const audio = r?.text.media?.audio;
  return r && audio ? { audio, synthetic: Boolean(r.text.media?.synthetic), text: r.text } : null;
}

export function createListenFlow(): Flow {
  return {
    name: 'listen',
    choiceTypes: ['listen'],
    topicChoices(ctx, topicId) {
      const a = audioOf(ctx, topicId);
      if (!a) return [];
      return [
        {
          id: choiceId('listen', topicId, ctx.snapshot.marker),
          label: ctx.t('media.listen'),
          ...(a.synthetic ? { description: ctx.t('media.computer_voice') } : {}),
        },
      ];
    },
    async onChoice(ctx, _type, topicId) {
      const a = audioOf(ctx, topicId);
      if (!a) return false;
      const caption = ctx.t(a.synthetic ? 'media.caption_synthetic' : 'media.caption', { title: a.text.title });
      const mime = mediaType(a.audio)?.mime;
      ctx.out.push({
        kind: 'media',
        // Ogg/Opus is what Telegram plays as a voice message (sendAudio takes only MP3/M4A); MP3/M4A go as audio.
        mediaType: mime === 'audio/ogg' ? 'voice' : 'audio',
        url: mediaUrl(a.audio),
        caption,
        ...(mime ? { mime } : {}),
        lang: a.text.locale,
        dir: ctx.dir(a.text.locale),
      });
      await ctx.deps.store.incrementCounter('listen', `${topicId}|${a.text.locale}`, ctx.now);
      return true;
    },
  };
}
