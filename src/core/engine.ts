/**
 * The conversation engine: one entry point, `handle(inbound) → outbound[]`, for every channel.
 * Order of work for each message: de-duplicate, load the session, clean the input, crisis check (always
 * first for text), then commands, choices, navigation words and free-text matching.
 */
import { parseChoice } from './choice-ids.ts';
import { type Ctx, createCtx, type EngineDeps, type Flow } from './context.ts';
import { createFloodGuard } from './flood.ts';
import { cleanText, navForm, parseDigit } from './input.ts';
import type { Choice, Inbound, Outbound } from './messages.ts';
import { newSession, parseSession, type SessionData } from './session.ts';
import { NAV, resolveText, showCategory, showCrisisCard, showLanguagePicker, showMainMenu, showTopic } from './views.ts';

export interface Engine {
  handle(inbound: Inbound): Promise<Outbound[]>;
}

const KNOWN_COMMANDS = new Set(['start', 'menu', 'language', 'help', 'person', 'forget']);

export function createEngine(deps: EngineDeps): Engine {
  const flows: Flow[] = deps.flows ?? [];
  const queues = new Map<string, Promise<unknown>>();
  const floodGuard = createFloodGuard(deps.flood ?? { max: 30, windowMs: 60_000 });

  async function loadSession(inbound: Inbound, now: number): Promise<SessionData> {
    const row = await deps.store.getSession(inbound.userKey);
    if (!row) return newSession(inbound.channel, now);
    const parsed = parseSession(row.data);
    if (!parsed) {
      deps.logger.warn({ event: 'session_corrupt', channel: inbound.channel }, 'corrupt session reset');
      return newSession(inbound.channel, now);
    }
    return parsed;
  }

  async function process(inbound: Inbound): Promise<Outbound[]> {
    const now = deps.clock.now();
    if (inbound.messageId && !(await deps.store.markProcessed(`${inbound.channel}:${inbound.messageId}`, now, inbound.userKey))) {
      return [];
    }
    deps.metrics?.messageIn(inbound.channel);
    const session = await loadSession(inbound, now);
    const ctx = createCtx(deps, inbound, session);
    const flood = floodGuard.check(inbound.userKey, now);
    if (flood !== 'ok') {
      // Crisis always wins, even for someone sending too fast.
      const text = inbound.kind === 'text' ? cleanText(inbound.text) : null;
      if (text?.ok && (await crisisCheck(ctx, text.text))) return ctx.out;
      deps.logger.warn({ event: 'flood', channel: inbound.channel, action: flood }, 'user sends too fast');
      if (flood === 'warn') ctx.say(ctx.t('input.slow_down'));
      return ctx.out;
    }
    await route(ctx);
    if (session.flow.forgotten) return ctx.out;
    await deps.store.saveSession({ userKey: inbound.userKey, channel: inbound.channel, data: JSON.stringify(session), updatedAt: now });
    return ctx.out;
  }

  async function intercepted(ctx: Ctx, crisisShown: boolean): Promise<boolean> {
    for (const f of flows) if (f.intercept && (await f.intercept(ctx, crisisShown))) return true;
    return crisisShown;
  }

  async function route(ctx: Ctx): Promise<void> {
    const inbound = ctx.inbound;
    switch (inbound.kind) {
      case 'text': {
        const cleaned = cleanText(inbound.text);
        if (cleaned.ok) {
          const crisis = await crisisCheck(ctx, cleaned.text);
          if (await intercepted(ctx, crisis)) return;
        } else if (await intercepted(ctx, false)) return;
        if (!cleaned.ok) return badInput(ctx, cleaned.reason === 'empty' ? 'input.empty' : 'input.too_long');
        return onText(ctx, cleaned.text);
      }
      case 'choice':
        if (await intercepted(ctx, false)) return;
        return onChoice(ctx, inbound.id);
      case 'command':
        if (await intercepted(ctx, false)) return;
        return onCommand(ctx, inbound.command.toLowerCase());
      case 'location':
        if (await intercepted(ctx, false)) return;
        for (const f of flows) if (f.onLocation && (await f.onLocation(ctx, inbound.lat, inbound.lon))) return;
        return badInput(ctx, 'input.location');
      case 'media':
        if (await intercepted(ctx, false)) return;
        for (const f of flows) if (f.onMedia && (await f.onMedia(ctx))) return;
        if (inbound.caption) {
          const cleaned = cleanText(inbound.caption);
          if (cleaned.ok && (await crisisCheck(ctx, cleaned.text))) return;
        }
        return badInput(ctx, inbound.mediaType === 'audio' || inbound.mediaType === 'voice' ? 'input.voice' : 'input.media');
    }
  }

  /** A short answer in the user's language plus the way back; the language picker if none is chosen yet. */
  function badInput(ctx: Ctx, key: string): void {
    if (ctx.session.locale) showMainMenu(ctx, ctx.t(key));
    else showLanguagePicker(ctx, ctx.inbound.localeHint);
  }

  async function crisisCheck(ctx: Ctx, text: string): Promise<boolean> {
    const hit = deps.crisis.detect(text);
    if (!hit) return false;
    const lang = ctx.session.locale ?? hit.locale;
    if (!ctx.session.locale) ctx.locale = lang;
    await deps.store.incrementCounter('crisis', lang, ctx.now);
    deps.metrics?.matchOutcome('crisis');
    deps.logger.info({ event: 'crisis_detected', signal: hit.signal, locale: lang }, 'crisis card shown');
    showCrisisCard(ctx, hit.signal, lang);
    ctx.session.flow.crisisAt = ctx.now;
    return true;
  }

  async function onText(ctx: Ctx, text: string): Promise<void> {
    const cmd = /^\/([a-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$/i.exec(text);
    if (cmd?.[1]) return onCommand(ctx, cmd[1].toLowerCase());
    for (const f of flows) {
      if (f.onText && f.states?.includes(ctx.session.state.name) && (await f.onText(ctx, text))) return;
    }
    const digit = parseDigit(text);
    if (digit !== null) {
      const id = ctx.session.lastChoices[digit - 1];
      if (id) return onChoice(ctx, id);
      if (digit === 0 && ctx.session.locale) return showMainMenu(ctx);
    }
    if (!ctx.session.locale) {
      const byName = ctx.snapshot.locales.find((l) => navForm(l.name) === navForm(text) || l.code === navForm(text));
      if (byName) return setLocale(ctx, byName.code);
      return showLanguagePicker(ctx, ctx.inbound.localeHint);
    }
    if (await navigationWord(ctx, text)) return;
    for (const f of flows) if (f.onText && !f.states && (await f.onText(ctx, text))) return;
    return freeText(ctx, text);
  }

  /** Navigation words per locale and key; UI strings do not change while running, so they are normalised once. */
  const wordCache = new Map<string, string[]>();
  function words(ctx: Ctx, key: string): string[] {
    const k = `${ctx.locale}\u0000${key}`;
    let w = wordCache.get(k);
    if (!w) {
      w = [ctx.t(key), deps.i18n.t('en', key)]
        .flatMap((s) => s.split(','))
        .map(navForm)
        .filter(Boolean);
      wordCache.set(k, w);
    }
    return w;
  }

  async function navigationWord(ctx: Ctx, text: string): Promise<boolean> {
    const form = navForm(text);
    if (!form || form.split(' ').length > 4) return false;
    const screens: [string, () => void][] = [
      ['nav.menu_words', () => showMainMenu(ctx)],
      ['nav.back_words', () => back(ctx)],
      ['nav.greeting_words', () => showMainMenu(ctx, `${ctx.t('welcome')}\n\n${ctx.t('menu.intro')}`)],
      ['nav.help_words', () => showMainMenu(ctx, ctx.t('command.help'))],
      ['nav.language_words', () => showLanguagePicker(ctx)],
    ];
    for (const [key, show] of screens) {
      if (words(ctx, key).includes(form)) {
        show();
        return true;
      }
    }
    if (words(ctx, 'nav.person_words').includes(form)) return person(ctx, 'normal').then(() => true);
    const yes = words(ctx, 'nav.yes_words').includes(form);
    const no = words(ctx, 'nav.no_words').includes(form);
    if (yes || no) {
      const confirm = ctx.session.lastChoices.find((id) => id.endsWith(yes ? ':yes' : ':no'));
      if (confirm) return onChoice(ctx, confirm).then(() => true);
      showMainMenu(ctx);
      return true;
    }
    return false;
  }

  async function freeText(ctx: Ctx, text: string): Promise<void> {
    const result = deps.matcher.match(ctx.locale, text);
    await deps.store.incrementCounter('match', result.outcome, ctx.now);
    const best = result.candidates[0];
    if (result.outcome === 'answer' && best && (await showTopic(ctx, best.topicId))) {
      deps.metrics?.matchOutcome('answered');
      return;
    }
    if (result.outcome === 'choices' && result.candidates.length) {
      deps.metrics?.matchOutcome('choices');
      const m = ctx.snapshot.marker;
      const choices: Choice[] = result.candidates.slice(0, 3).flatMap((c) => {
        const r = resolveText(ctx, c.topicId);
        return r ? [{ id: `topic:${c.topicId}~${m}`, label: r.text.title, description: r.text.summary }] : [];
      });
      choices.push({ id: NAV.menu, label: ctx.t('menu.main') }, { id: NAV.person, label: ctx.t('menu.person') });
      return ctx.ask(ctx.t('match.did_you_mean'), choices, 'list');
    }
    await deps.store.recordUnmatched(ctx.locale, text, ctx.now);
    deps.metrics?.matchOutcome('not_found');
    // A safety net under every "not found": a crisis in words the phrase lists do not know still gets the numbers.
    showMainMenu(ctx, `${ctx.t('match.not_found')}\n\n${ctx.t('match.safety_net')}`);
  }

  function back(ctx: Ctx): void {
    const st = ctx.session.state;
    if (st.name === 'topic' && typeof st.category === 'string' && showCategory(ctx, st.category)) return;
    showMainMenu(ctx);
  }

  async function setLocale(ctx: Ctx, code: string): Promise<void> {
    ctx.session.locale = code;
    ctx.locale = code;
    ctx.say(ctx.t('welcome'));
    showMainMenu(ctx);
  }

  async function person(ctx: Ctx, priority: 'normal' | 'crisis'): Promise<void> {
    for (const f of flows) if (f.onPerson && (await f.onPerson(ctx, priority))) return;
    const res = await deps.notifier.requestHuman({
      userKey: ctx.inbound.userKey,
      channel: ctx.inbound.channel,
      locale: ctx.locale,
      priority,
      municipality: ctx.session.municipality,
      topicsRead: ctx.session.topicsRead.map(({ id, version, revision }) => ({ id, version, revision })),
      consentVersion: 'none',
    });
    showMainMenu(ctx, ctx.t(res.messageKey));
  }

  async function onChoice(ctx: Ctx, id: string): Promise<void> {
    const c = parseChoice(id);
    if (c?.type === 'lang' && ctx.snapshot.locales.some((l) => l.code === c.arg)) return setLocale(ctx, c.arg);
    if (!ctx.session.locale) return showLanguagePicker(ctx, ctx.inbound.localeHint);
    const stale = () => showMainMenu(ctx, ctx.t('stale.menu_changed'));
    if (!c) return stale();
    if (c.marker !== null && c.marker !== ctx.snapshot.marker) return stale();
    for (const f of flows) {
      if (f.onChoice && f.choiceTypes?.includes(c.type) && (await f.onChoice(ctx, c.type, c.arg))) return;
    }
    switch (c.type) {
      case 'cat':
        if (!showCategory(ctx, c.arg)) return stale();
        return;
      case 'topic': {
        // "Back" returns to the list the topic was chosen from, but only if the topic is in it: an older list's button
        // (still on screen in Telegram) must lead back to that topic's own category.
        const current = ctx.session.state.name === 'category' ? String(ctx.session.state.id) : undefined;
        const holds = (id: string | undefined) => ctx.snapshot.categories.find((k) => k.id === id)?.topics.includes(c.arg);
        const cat = holds(current) ? current : ctx.snapshot.categories.find((k) => k.topics.includes(c.arg))?.id;
        if (!(await showTopic(ctx, c.arg, cat))) return stale();
        return;
      }
      case 'nav':
        if (c.arg === 'menu') return showMainMenu(ctx);
        if (c.arg === 'back') return back(ctx);
        if (c.arg === 'language') return showLanguagePicker(ctx);
        if (c.arg === 'person') return person(ctx, 'normal');
        if (c.arg === 'person-urgent') return person(ctx, 'crisis');
        return stale();
      case 'forget':
        return forget(ctx, c.arg);
      default:
        return stale();
    }
  }

  async function forget(ctx: Ctx, arg: string): Promise<void> {
    if (arg === 'yes' && ctx.session.state.name === 'confirm-forget') {
      const locale = ctx.locale;
      await deps.store.forgetUser(ctx.inbound.userKey);
      for (const f of flows) if (f.onCommand) await f.onCommand(ctx, 'forgotten');
      const fresh = newSession(ctx.inbound.channel, ctx.now);
      Object.assign(ctx.session, fresh);
      ctx.session.locale = null;
      ctx.out.push({ kind: 'text', text: deps.i18n.t(locale, 'forget.done'), lang: locale, dir: ctx.dir(locale) });
      ctx.session.flow.forgotten = true;
      return;
    }
    if (arg === 'no') return showMainMenu(ctx, ctx.t('forget.cancelled'));
    ctx.session.state = { name: 'confirm-forget' };
    ctx.ask(
      ctx.t('forget.confirm'),
      [
        { id: 'forget:yes', label: ctx.t('forget.yes') },
        { id: 'forget:no', label: ctx.t('forget.no') },
      ],
      'buttons',
    );
  }

  async function onCommand(ctx: Ctx, command: string): Promise<void> {
    for (const f of flows) if (f.onCommand && (await f.onCommand(ctx, command))) return;
    if (command === 'start') {
      if (!ctx.session.locale) return showLanguagePicker(ctx, ctx.inbound.localeHint);
      return showMainMenu(ctx, `${ctx.t('welcome')}\n\n${ctx.t('menu.intro')}`);
    }
    if (command === 'language') return showLanguagePicker(ctx, ctx.inbound.localeHint);
    if (!ctx.session.locale) return showLanguagePicker(ctx, ctx.inbound.localeHint);
    if (command === 'menu') return showMainMenu(ctx);
    if (command === 'help') return showMainMenu(ctx, ctx.t('command.help'));
    if (command === 'person') return person(ctx, 'normal');
    if (command === 'forget') return forget(ctx, 'ask');
    if (!KNOWN_COMMANDS.has(command)) return showMainMenu(ctx, ctx.t('command.unknown'));
  }

  return {
    /** Handles one inbound message. Messages of one user are processed strictly in order. */
    handle(inbound) {
      const prev = queues.get(inbound.userKey) ?? Promise.resolve();
      const next = prev.then(
        () => process(inbound),
        () => process(inbound),
      );
      queues.set(inbound.userKey, next);
      void next.then(
        (out) => {
          if (out.length) deps.metrics?.messagesOut(inbound.channel, out.length);
        },
        () => {},
      );
      void next
        .finally(() => {
          if (queues.get(inbound.userKey) === next) queues.delete(inbound.userKey);
        })
        .catch(() => {});
      return next;
    },
  };
}
