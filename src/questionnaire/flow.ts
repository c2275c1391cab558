/**
 * Content-defined yes/no questionnaires (the ten Protect questions, and any other an editor adds in
 * `content/questionnaires/`). One question per message with Yes / No / Stop buttons; the result routes on the
 * number of "yes" answers to topics and, where the content says so, to a sleutelpersoon (`nav:person`).
 *
 * Privacy: answers live only in `session.flow` (never in the transcript or logs). Partial answers are dropped as
 * soon as the user leaves the questions or stops; the finished result is kept for one hour as `session.flow.selfCheck`
 * (see `readSelfCheck`) so the handover can offer to share it — only with the user's consent.
 * Choice ids: `qn:start:<id>`, `qn:a:<index>:yes|no`, `qn:stop`, `qn:again:<id>`.
 */
import { choiceId, parseChoice } from '../core/choice-ids.ts';
import type { Questionnaire, QuestionnaireText } from '../core/content-types.ts';
import type { Ctx, Flow } from '../core/context.ts';
import { navForm } from '../core/input.ts';
import type { Choice } from '../core/messages.ts';
import type { HandoverRequest } from '../core/ports.ts';
import type { SessionData } from '../core/session.ts';
import { NAV, personChoice, resolveText } from '../core/views.ts';

export const SELF_CHECK_TTL_MS = 60 * 60_000;

interface Progress {
  id: string;
  hash: string;
  answers: Record<string, boolean>;
}

interface StoredResult {
  questionnaire: string;
  yes: number;
  answers: Record<string, boolean>;
  at: number;
}

/**
 * The finished self-check of this session, for the handover's consent step (`HandoverRequest.selfCheck`), or null
 * when there is none or it is older than an hour. Attach it only after the user agreed to share it.
 */
export function readSelfCheck(session: SessionData, now: number): NonNullable<HandoverRequest['selfCheck']> | null {
  const r = session.flow.selfCheck as StoredResult | undefined;
  if (!r || typeof r !== 'object' || typeof r.yes !== 'number' || now - r.at > SELF_CHECK_TTL_MS) return null;
  return { questionnaire: r.questionnaire, yes: r.yes, answers: { ...r.answers } };
}

function words(ctx: Ctx, key: string): string[] {
  return [ctx.t(key), ctx.deps.i18n.t('en', key)]
    .flatMap((s) => s.split(','))
    .map(navForm)
    .filter(Boolean);
}

function textFor(ctx: Ctx, q: Questionnaire): QuestionnaireText | null {
  for (const code of [ctx.locale, ...(ctx.localeInfo(ctx.locale)?.fallback ?? []), ctx.snapshot.sourceLocale]) {
    const t = q.texts[code];
    if (t) return t;
  }
  return null;
}

export function createQuestionnaireFlow(): Flow {
  const get = (ctx: Ctx, id: string) => ctx.snapshot.questionnaires?.get(id);

  function ask(ctx: Ctx, q: Questionnaire, i: number): void {
    const text = textFor(ctx, q);
    const qid = q.questions[i];
    if (!text || !qid) return;
    ctx.session.state = { name: 'questionnaire', id: q.id, i };
    const progress = ctx.t('questionnaire.progress', { n: i + 1, total: q.questions.length });
    ctx.ask(
      `${progress}\n\n${text.questions[qid] ?? ''}`,
      [
        { id: choiceId('qn', `a:${i}:yes`), label: ctx.t('questionnaire.yes') },
        { id: choiceId('qn', `a:${i}:no`), label: ctx.t('questionnaire.no') },
        { id: choiceId('qn', 'stop'), label: ctx.t('questionnaire.stop') },
      ],
      'buttons',
      text.locale,
    );
  }

  function start(ctx: Ctx, q: Questionnaire): void {
    const text = textFor(ctx, q);
    if (!text) return;
    ctx.session.flow.questionnaire = { id: q.id, hash: q.hash, answers: {} } satisfies Progress;
    const parts = [];
    if (text.review.status === 'draft') parts.push(`⚠️ ${ctx.deps.i18n.t(text.locale, 'topic.draft_note')}`);
    parts.push(text.title, text.intro);
    ctx.say(parts.join('\n\n'), text.locale);
    ask(ctx, q, 0);
  }

  async function finish(ctx: Ctx, q: Questionnaire, answers: Record<string, boolean>): Promise<void> {
    delete ctx.session.flow.questionnaire;
    const yes = q.questions.filter((id) => answers[id]).length;
    const result = q.results.find((r) => yes >= r.min && yes <= r.max);
    const text = textFor(ctx, q);
    if (!result || !text) return;
    ctx.session.flow.selfCheck = { questionnaire: q.id, yes, answers, at: ctx.now } satisfies StoredResult;
    await ctx.deps.store.incrementCounter('questionnaire', `${q.id}|completed|${ctx.locale}`, ctx.now);
    const m = ctx.snapshot.marker;
    const choices: Choice[] = [];
    if (result.offerPerson) choices.push(personChoice(ctx));
    for (const tid of result.topics) {
      const r = resolveText(ctx, tid);
      if (r) choices.push({ id: choiceId('topic', tid, m), label: r.text.title, description: r.text.summary });
    }
    choices.push({ id: choiceId('qn', `again:${q.id}`), label: ctx.t('questionnaire.again') }, { id: NAV.menu, label: ctx.t('menu.main') });
    if (!result.offerPerson) choices.push(personChoice(ctx));
    ctx.session.state = { name: 'questionnaire-result', id: q.id, result: result.id };
    ctx.say(`${ctx.t('questionnaire.result_count', { yes, total: q.questions.length })}\n\n${text.results[result.id] ?? ''}`, text.locale);
    ctx.ask(`ℹ️ ${ctx.t('questionnaire.privacy')}`, choices, 'list');
  }

  async function answer(ctx: Ctx, i: number, value: boolean): Promise<boolean> {
    const p = ctx.session.flow.questionnaire as Progress | undefined;
    const st = ctx.session.state;
    if (!p || st.name !== 'questionnaire') return false;
    const q = get(ctx, p.id);
    if (!q || q.hash !== p.hash) {
      ctx.say(ctx.t('questionnaire.changed'));
      if (q) start(ctx, q);
      else delete ctx.session.flow.questionnaire;
      return Boolean(q);
    }
    const current = typeof st.i === 'number' ? st.i : 0;
    // A tap on an older question's button (double tap, scrolled up): ask the current question again.
    if (i !== current) {
      ask(ctx, q, current);
      return true;
    }
    const qid = q.questions[i];
    if (!qid) return false;
    p.answers[qid] = value;
    if (i + 1 < q.questions.length) ask(ctx, q, i + 1);
    else await finish(ctx, q, p.answers);
    return true;
  }

  async function stop(ctx: Ctx): Promise<void> {
    const p = ctx.session.flow.questionnaire as Progress | undefined;
    delete ctx.session.flow.questionnaire;
    if (p) await ctx.deps.store.incrementCounter('questionnaire', `${p.id}|stopped|${ctx.locale}`, ctx.now);
    ctx.session.state = { name: 'menu' };
    const m = ctx.snapshot.marker;
    const choices: Choice[] = [];
    const q = p ? get(ctx, p.id) : undefined;
    if (q?.topic && resolveText(ctx, q.topic)) choices.push({ id: choiceId('topic', q.topic, m), label: resolveText(ctx, q.topic)?.text.title ?? q.topic });
    choices.push({ id: NAV.menu, label: ctx.t('menu.main') }, personChoice(ctx));
    ctx.ask(ctx.t('questionnaire.stopped'), choices, 'buttons');
  }

  return {
    name: 'questionnaire',
    choiceTypes: ['qn'],
    states: ['questionnaire'],
    async intercept(ctx) {
      const f = ctx.session.flow;
      const r = f.selfCheck as StoredResult | undefined;
      if (r && (typeof r.at !== 'number' || ctx.now - r.at > SELF_CHECK_TTL_MS)) delete f.selfCheck;
      // Leaving the questions (any other button, or any state but the questions) drops the partial answers.
      const leaving = ctx.inbound.kind === 'choice' && parseChoice(ctx.inbound.id)?.type !== 'qn';
      if (f.questionnaire && (ctx.session.state.name !== 'questionnaire' || leaving)) delete f.questionnaire;
      return false;
    },
    topicChoices(ctx, topicId) {
      const out: Choice[] = [];
      for (const q of ctx.snapshot.questionnaires?.values() ?? []) {
        if (q.topic === topicId && textFor(ctx, q)) out.push({ id: choiceId('qn', `start:${q.id}`), label: ctx.t('questionnaire.start') });
      }
      return out;
    },
    async onChoice(ctx, _type, arg) {
      const [verb, a = '', b = ''] = arg.split(':');
      if (verb === 'start' || verb === 'again') {
        const q = get(ctx, a);
        if (!q) return false;
        start(ctx, q);
        return true;
      }
      if (verb === 'a' && (b === 'yes' || b === 'no') && /^\d{1,2}$/.test(a)) return answer(ctx, Number(a), b === 'yes');
      if (verb === 'stop') return stop(ctx).then(() => true);
      return false;
    },
    async onText(ctx, text) {
      const st = ctx.session.state as { i?: unknown };
      const i = typeof st.i === 'number' ? st.i : 0;
      const form = navForm(text);
      if (words(ctx, 'nav.yes_words').includes(form)) return answer(ctx, i, true);
      if (words(ctx, 'nav.no_words').includes(form)) return answer(ctx, i, false);
      if (words(ctx, 'questionnaire.stop_words').includes(form)) return stop(ctx).then(() => true);
      if (/^\s*\S{1,2}\s*$/.test(text)) return false; // a digit for the buttons: the engine maps it
      // Anything else leaves the questions; the engine answers it as usual.
      delete ctx.session.flow.questionnaire;
      ctx.session.state = { name: 'menu' };
      return false;
    },
  };
}
