/**
 * "Was this helpful? 👍 👎" after a topic, once per topic per session, folded into the topic menu as two rows just
 * before the navigation rows ("👍 This helped" / "👎 Did not help", with "Was this helpful?" as their description).
 *
 * Why folded and not a message of its own: the topic menu must stay the last message (people and channels act on
 * it next) and nothing may stand between the answer and its menu (long answers are split into several messages on
 * Telegram and WhatsApp). WhatsApp lists hold 10 rows: topic menus have 7-9, so when the two rows do not fit, the
 * last related-topic row gives way (it stays reachable through "Back", its category). `session.lastChoices` is updated,
 * so typed digits keep matching the rows as shown.
 *
 * Votes are anonymous counters per topic, text locale and content version: `feedback` / `<topic>|<locale>|<version>|up|down`.
 * Choice ids: `fb-up:<topic>~<marker>`, `fb-down:<topic>~<marker>` (the marker makes votes from older content stale).
 */
import { choiceId } from '../core/choice-ids.ts';
import type { Ctx, Flow } from '../core/context.ts';
import type { Choice } from '../core/messages.ts';
import { NAV, personChoice, resolveText } from '../core/views.ts';

const MAX_REMEMBERED = 50;
/** WhatsApp list messages hold at most 10 rows. @see https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-list-messages */
const MAX_ROWS = 10;

function list(ctx: Ctx, key: 'feedbackAsked' | 'feedbackVoted'): string[] {
  const v = ctx.session.flow[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function remember(ctx: Ctx, key: 'feedbackAsked' | 'feedbackVoted', topicId: string): void {
  ctx.session.flow[key] = [...list(ctx, key).filter((x) => x !== topicId), topicId].slice(-MAX_REMEMBERED);
}

/** The rows with the two feedback rows inserted before the navigation rows, or null when they cannot fit. */
export function foldFeedback(rows: Choice[], feedback: Choice[]): Choice[] | null {
  const out = [...rows];
  let at = out.findIndex((c) => c.id.startsWith('nav:'));
  if (at < 0) at = out.length;
  while (out.length + feedback.length > MAX_ROWS) {
    const related = out.slice(0, at).findLastIndex((c) => c.id.startsWith('topic:'));
    if (related < 0) return null;
    out.splice(related, 1);
    at--;
  }
  out.splice(at, 0, ...feedback);
  return out;
}

export function createFeedbackFlow(): Flow {
  return {
    name: 'feedback',
    choiceTypes: ['fb-up', 'fb-down'],
    async afterTopic(ctx, topicId) {
      if (list(ctx, 'feedbackAsked').includes(topicId) || list(ctx, 'feedbackVoted').includes(topicId)) return;
      const menu = ctx.out.findLast((x) => x.kind === 'choices');
      if (menu?.kind !== 'choices') return;
      const m = ctx.snapshot.marker;
      const ask = ctx.t('feedback.ask');
      const rows = foldFeedback(menu.choices, [
        { id: choiceId('fb-up', topicId, m), label: ctx.t('feedback.up'), description: ask },
        { id: choiceId('fb-down', topicId, m), label: ctx.t('feedback.down'), description: ask },
      ]);
      if (!rows) return;
      menu.choices = rows;
      ctx.session.lastChoices = rows.map((c) => c.id);
      remember(ctx, 'feedbackAsked', topicId);
    },
    async onChoice(ctx, type, topicId) {
      const resolved = resolveText(ctx, topicId);
      if (!resolved) return false;
      if (list(ctx, 'feedbackVoted').includes(topicId)) {
        ctx.say(ctx.t('feedback.already'));
        return true;
      }
      remember(ctx, 'feedbackVoted', topicId);
      const vote = type === 'fb-up' ? 'up' : 'down';
      await ctx.deps.store.incrementCounter('feedback', `${topicId}|${resolved.text.locale}|${ctx.snapshot.version}|${vote}`, ctx.now);
      if (vote === 'up') {
        ctx.say(ctx.t('feedback.thanks_up'));
        return true;
      }
      ctx.ask(ctx.t('feedback.thanks_down'), [{ id: NAV.menu, label: ctx.t('menu.main') }, personChoice(ctx)], 'buttons');
      return true;
    },
  };
}
