/**
 * Messages the handover sends to the user, in the user's language and direction: the honest waiting estimate, the
 * alternatives (huisarts, huisartsenpost, 113, 112), the end button and the one-tap rating.
 */

import type { Choice, Dir, Outbound } from '../core/messages.ts';
import type { ContentPort, I18n } from '../core/ports.ts';
import type { Estimate } from './routing.ts';
import { TIME_ZONE } from './schedule.ts';

export const END_CHOICE = 'hv:end';
export const STOP_CHOICE = 'hv:stop';

const INTL_LOCALE: Record<string, string> = { prs: 'fa-AF' };

export interface UserTexts {
  t(locale: string, key: string, vars?: Record<string, unknown>): string;
  dir(locale: string): Dir;
  text(locale: string, text: string): Outbound;
  ask(locale: string, text: string, choices: Choice[], style?: 'buttons' | 'list'): Outbound;
  /** "Monday 24 November 09:00" in the user's language, Amsterdam time. */
  when(locale: string, at: number): string;
  estimate(locale: string, e: Estimate, updateMinutes: number): string;
  alternatives(locale: string): string;
  endButton(locale: string): Choice;
  rating(locale: string, conversationId: string, intro: string): Outbound;
  menuButton(locale: string): Choice;
}

export function createUserTexts(deps: { i18n: I18n; content: ContentPort }): UserTexts {
  const dir = (locale: string): Dir => deps.content.current().locales.find((l) => l.code === locale)?.dir ?? 'ltr';
  const t = (locale: string, key: string, vars?: Record<string, unknown>) => deps.i18n.t(locale, key, vars);
  const self: UserTexts = {
    t,
    dir,
    text: (locale, text) => ({ kind: 'text', text, lang: locale, dir: dir(locale) }),
    ask: (locale, text, choices, style = 'buttons') => ({
      kind: 'choices',
      text,
      choices,
      style,
      lang: locale,
      dir: dir(locale),
      listButton: t(locale, 'menu.button'),
    }),
    when(locale, at) {
      return new Intl.DateTimeFormat(INTL_LOCALE[locale] ?? locale, {
        timeZone: TIME_ZONE,
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(at));
    },
    estimate(locale, e, updateMinutes) {
      if (e.kind === 'now') return t(locale, 'handover.eta_now', { minutes: updateMinutes });
      if (e.kind === 'later') return `${t(locale, 'handover.eta_later', { when: self.when(locale, e.at) })}\n\n${self.alternatives(locale)}`;
      return `${t(locale, 'handover.eta_none')}\n\n${self.alternatives(locale)}`;
    },
    alternatives: (locale) => t(locale, 'handover.alternatives'),
    endButton: (locale) => ({ id: END_CHOICE, label: t(locale, 'handover.end') }),
    menuButton: (locale) => ({ id: 'nav:menu', label: t(locale, 'menu.main') }),
    rating: (locale, conversationId, intro) =>
      self.ask(locale, `${intro}\n\n${t(locale, 'handover.rate_question')}`, [
        { id: `hv:rate-3.${conversationId}`, label: t(locale, 'handover.rate_good') },
        { id: `hv:rate-2.${conversationId}`, label: t(locale, 'handover.rate_ok') },
        { id: `hv:rate-1.${conversationId}`, label: t(locale, 'handover.rate_bad') },
      ]),
  };
  return self;
}
