/**
 * The per-message context the engine's flows work with: the session, the active content snapshot,
 * and helpers that build outbound messages in the user's language and direction.
 */
import type { ContentSnapshot, LocaleInfo } from './content-types.ts';
import type { Choice, Dir, Inbound, Outbound } from './messages.ts';
import type { Clock, ContentPort, CrisisDetector, I18n, Logger, Matcher, Metrics, Notifier, Store } from './ports.ts';
import type { SessionData } from './session.ts';

/** Everything the engine needs from outside; passed once to `createEngine`. */
export interface EngineDeps {
  store: Store;
  content: ContentPort;
  matcher: Matcher;
  crisis: CrisisDetector;
  notifier: Notifier;
  clock: Clock;
  i18n: I18n;
  logger: Logger;
  /** Values that content texts may use as {{placeholders}} (retention days for the privacy topic). */
  textVars?: Record<string, string | number>;
  /** Per-user flood control (default: 30 messages a minute). */
  flood?: { max: number; windowMs: number };
  /** Operational counters (messages in and out, match outcomes); none when omitted. */
  metrics?: Pick<Metrics, 'messageIn' | 'messagesOut' | 'matchOutcome'>;
  /** Extra flows from feature modules (handover, questionnaire, social map), keyed by state name / choice type. */
  flows?: Flow[];
}

export interface Ctx {
  deps: EngineDeps;
  inbound: Inbound;
  session: SessionData;
  snapshot: ContentSnapshot;
  now: number;
  /** The user's locale, or the source locale while none is chosen. */
  locale: string;
  out: Outbound[];
  t(key: string, vars?: Record<string, unknown>): string;
  dir(locale?: string): Dir;
  localeInfo(code: string): LocaleInfo | undefined;
  say(text: string, lang?: string): void;
  ask(text: string, choices: Choice[], style?: 'buttons' | 'list', lang?: string): void;
}

/**
 * A feature flow plugs into the engine: it may own choice types (e.g. `hv` for handover) and session
 * states (e.g. `handover-consent`). Returning false means "not mine, continue with default handling".
 */
export interface Flow {
  name: string;
  choiceTypes?: string[];
  states?: string[];
  /**
   * Sees every inbound message first (after the crisis check, which always runs), e.g. to relay messages while a
   * sleutelpersoon is connected. `crisisShown` is true when a crisis card was just added to `ctx.out`.
   */
  intercept?(ctx: Ctx, crisisShown: boolean): Promise<boolean>;
  /** Extra choices on a topic page (e.g. "start the questions" on `self-check`). */
  topicChoices?(ctx: Ctx, topicId: string): Choice[];
  /**
   * Runs after a topic page is complete (text and menu), e.g. to fold "was this helpful?" rows into its menu.
   * A flow that changes the menu keeps `session.lastChoices` in step, so typed digits match the rows shown.
   */
  afterTopic?(ctx: Ctx, topicId: string): Promise<void>;
  onChoice?(ctx: Ctx, type: string, arg: string): Promise<boolean>;
  onText?(ctx: Ctx, text: string): Promise<boolean>;
  onLocation?(ctx: Ctx, lat: number, lon: number): Promise<boolean>;
  onMedia?(ctx: Ctx): Promise<boolean>;
  /** Called for the `person` command/choice and crisis offers, when this flow handles handover. */
  onPerson?(ctx: Ctx, priority: 'normal' | 'crisis'): Promise<boolean>;
  onCommand?(ctx: Ctx, command: string): Promise<boolean>;
}

export function createCtx(deps: EngineDeps, inbound: Inbound, session: SessionData): Ctx {
  const snapshot = deps.content.current();
  const localeInfo = (code: string) => snapshot.locales.find((l) => l.code === code);
  const ctx: Ctx = {
    deps,
    inbound,
    session,
    snapshot,
    now: deps.clock.now(),
    locale: session.locale ?? snapshot.sourceLocale,
    out: [],
    t: (key, vars) => deps.i18n.t(ctx.locale, key, vars),
    dir: (code) => localeInfo(code ?? ctx.locale)?.dir ?? 'ltr',
    localeInfo,
    say(text, lang = ctx.locale) {
      ctx.out.push({ kind: 'text', text, lang, dir: ctx.dir(lang) });
    },
    ask(text, choices, style = 'list', lang = ctx.locale) {
      ctx.out.push({
        kind: 'choices',
        text,
        choices,
        style,
        lang,
        dir: ctx.dir(lang),
        listButton: deps.i18n.t(ctx.locale, 'menu.button'),
      });
      ctx.session.lastChoices = choices.map((c) => c.id);
    },
  };
  return ctx;
}
