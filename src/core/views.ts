/**
 * Screens the engine shows: language picker, menus, topic pages, crisis card, "not found".
 * Each pushes outbound messages onto the context; none touches storage except to record what was read.
 */
import { choiceId } from './choice-ids.ts';
import type { Topic, TopicText } from './content-types.ts';
import type { Ctx } from './context.ts';
import type { Choice } from './messages.ts';
import { MAX_TOPICS_READ } from './session.ts';

export const NAV = {
  menu: choiceId('nav', 'menu'),
  back: choiceId('nav', 'back'),
  person: choiceId('nav', 'person'),
  language: choiceId('nav', 'language'),
} as const;

export function personChoice(ctx: Ctx): Choice {
  return { id: NAV.person, label: ctx.t('menu.person') };
}

/** The language picker: every language in its own script; a platform hint only moves it to the top. */
export function showLanguagePicker(ctx: Ctx, hint?: string): void {
  const locales = [...ctx.snapshot.locales];
  const hinted = hint ? locales.findIndex((l) => l.code === hint || hint.startsWith(`${l.code}-`)) : -1;
  if (hinted > 0) locales.unshift(...locales.splice(hinted, 1));
  const greeting = ctx.snapshot.locales.map((l) => ctx.deps.i18n.t(l.code, 'language.pick')).join(' · ');
  ctx.session.state = { name: 'language' };
  ctx.ask(
    greeting,
    locales.map((l) => ({ id: choiceId('lang', l.code), label: l.name })),
    'list',
    ctx.snapshot.sourceLocale,
  );
}

export function showMainMenu(ctx: Ctx, intro?: string): void {
  const m = ctx.snapshot.marker;
  const choices: Choice[] = ctx.snapshot.categories.map((c) => ({
    id: choiceId('cat', c.id, m),
    label: categoryTitle(ctx, c.id),
  }));
  choices.push(personChoice(ctx), { id: NAV.language, label: ctx.t('language.change') });
  ctx.session.state = { name: 'menu' };
  ctx.ask(intro ?? ctx.t('menu.intro'), choices, 'list');
}

export function categoryTitle(ctx: Ctx, id: string): string {
  const c = ctx.snapshot.categories.find((x) => x.id === id);
  if (!c) return id;
  for (const code of [ctx.locale, ...(ctx.localeInfo(ctx.locale)?.fallback ?? []), ctx.snapshot.sourceLocale]) {
    const title = c.title[code];
    if (title) return title;
  }
  return id;
}

export function showCategory(ctx: Ctx, id: string): boolean {
  const cat = ctx.snapshot.categories.find((c) => c.id === id);
  if (!cat) return false;
  const m = ctx.snapshot.marker;
  const choices: Choice[] = [];
  for (const topicId of cat.topics) {
    const resolved = resolveText(ctx, topicId);
    if (!resolved) continue;
    choices.push({ id: choiceId('topic', topicId, m), label: resolved.text.title, description: resolved.text.summary });
  }
  choices.push({ id: NAV.menu, label: ctx.t('menu.main') }, personChoice(ctx));
  ctx.session.state = { name: 'category', id };
  ctx.ask(ctx.t('menu.category_intro', { category: categoryTitle(ctx, id) }), choices, 'list');
  return true;
}

/** Finds the text of a topic in the user's locale or along its fallback chain. */
export function resolveText(ctx: Ctx, topicId: string): { topic: Topic; text: TopicText; fallback: boolean } | null {
  const topic = ctx.snapshot.topics.get(topicId);
  if (!topic) return null;
  const chain = [ctx.locale, ...(ctx.localeInfo(ctx.locale)?.fallback ?? []), ctx.snapshot.sourceLocale];
  for (const code of chain) {
    const text = topic.texts[code];
    if (text) return { topic, text, fallback: code !== ctx.locale };
  }
  return null;
}

function fillVars(text: string, vars: Record<string, string | number> | undefined): string {
  if (!vars) return text;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Renders the full text of a topic (notes, body, actions, sources) without sending it. */
export function renderTopicText(ctx: Ctx, topic: Topic, text: TopicText, fallback: boolean): string {
  const parts: string[] = [];
  if (fallback) {
    parts.push(
      `ℹ️ ${ctx.t('topic.fallback_note', {
        wanted: ctx.localeInfo(ctx.locale)?.name ?? ctx.locale,
        shown: ctx.localeInfo(text.locale)?.name ?? text.locale,
      })}`,
    );
  }
  if (text.review.status === 'draft') parts.push(`⚠️ ${ctx.deps.i18n.t(text.locale, 'topic.draft_note')}`);
  parts.push(text.title);
  parts.push(fillVars(text.body.trim(), ctx.deps.textVars));
  const actionLines: string[] = [];
  for (const a of topic.actions) {
    const label = text.actionLabels[a.id];
    if (a.type === 'call') actionLines.push(`📞 ${label ? `${label}: ` : ''}${a.phone}`);
    if (a.type === 'url') actionLines.push(`🌐 ${label ? `${label}: ` : ''}${a.url}`);
  }
  if (actionLines.length) parts.push(actionLines.join('\n'));
  if (topic.sources.length) {
    parts.push(`${ctx.deps.i18n.t(text.locale, 'topic.sources')}: ${topic.sources.map((s) => s.publisher).join('; ')}`);
  }
  return parts.join('\n\n');
}

export async function showTopic(ctx: Ctx, topicId: string, category?: string): Promise<boolean> {
  const resolved = resolveText(ctx, topicId);
  if (!resolved) return false;
  const { topic, text, fallback } = resolved;
  ctx.out.push({ kind: 'text', text: renderTopicText(ctx, topic, text, fallback), lang: text.locale, dir: ctx.dir(text.locale) });
  if (text.media?.image)
    ctx.out.push({ kind: 'media', mediaType: 'image', url: `/media/${text.media.image}`, caption: text.title, lang: text.locale, dir: ctx.dir(text.locale) });
  const m = ctx.snapshot.marker;
  const choices: Choice[] = [];
  if (topicId === 'privacy') choices.push({ id: choiceId('forget', 'ask'), label: ctx.t('forget.button') });
  for (const f of ctx.deps.flows ?? []) if (f.topicChoices) choices.push(...f.topicChoices(ctx, topicId));
  for (const a of topic.actions) {
    if (a.type === 'topic' && ctx.snapshot.topics.has(a.topic)) {
      const r = resolveText(ctx, a.topic);
      if (r) choices.push({ id: choiceId('topic', a.topic, m), label: text.actionLabels[a.id] ?? r.text.title });
    }
  }
  for (const rel of topic.related) {
    if (choices.length >= 5) break;
    if (choices.some((c) => c.id === choiceId('topic', rel, m))) continue;
    const r = resolveText(ctx, rel);
    if (r) choices.push({ id: choiceId('topic', rel, m), label: r.text.title, description: r.text.summary });
  }
  const cat = category ?? topic.category;
  choices.push({ id: NAV.back, label: ctx.t('menu.back') }, { id: NAV.menu, label: ctx.t('menu.main') }, personChoice(ctx), {
    id: NAV.language,
    label: ctx.t('language.change'),
  });
  ctx.session.state = { name: 'topic', id: topicId, category: cat };
  ctx.ask(ctx.t('topic.next'), choices, 'list');
  const read = { id: topicId, version: ctx.snapshot.version, revision: text.hash, at: ctx.now };
  ctx.session.topicsRead = [...ctx.session.topicsRead.filter((r) => r.id !== topicId), read].slice(-MAX_TOPICS_READ);
  await ctx.deps.store.appendTranscript({
    userKey: ctx.inbound.userKey,
    at: ctx.now,
    direction: 'out',
    topicId,
    contentVersion: ctx.snapshot.version,
    topicRevision: text.hash,
    text: null,
  });
  await ctx.deps.store.incrementCounter('topic_view', `${topicId}|${text.locale}|${ctx.snapshot.version}`, ctx.now);
  for (const f of ctx.deps.flows ?? []) if (f.afterTopic) await f.afterTopic(ctx, topicId);
  return true;
}

/** The crisis card: immediate, in the user's language (or the language the crisis was written in). */
export function showCrisisCard(ctx: Ctx, signal: string, lang: string): void {
  const t = (k: string) => ctx.deps.i18n.t(lang, k);
  const lines = [t('crisis.intro')];
  const order =
    signal === 'violence' ? ['violence', 'danger', 'suicide'] : signal === 'danger' ? ['danger', 'suicide', 'violence'] : ['suicide', 'danger', 'violence'];
  for (const k of order) lines.push(`• ${t(`crisis.${k}`)}`);
  lines.push(`• ${t('crisis.huisartsenpost')}`);
  ctx.out.push({ kind: 'text', text: lines.join('\n'), lang, dir: ctx.dir(lang) });
  ctx.ask(
    t('menu.intro'),
    [
      { id: choiceId('nav', 'person-urgent'), label: t('crisis.person') },
      { id: NAV.menu, label: t('menu.main') },
    ],
    'buttons',
    lang,
  );
}
