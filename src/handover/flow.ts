/**
 * The handover as an engine Flow: consent first (what a sleutelpersoon will see), then — only when the user finished
 * the self-check in this session — a separate yes/no on sharing those answers too (declining shares nothing of them
 * and still connects), then optional questions (municipality, gender preference, one line about the question), then
 * the honest wait. In a crisis the request goes out right after consent, without that question or the others.
 * While a conversation is open, `intercept` relays the user's messages to the sleutelpersoon instead of letting the
 * bot answer; crisis detection still runs first and raises the conversation's priority.
 */
import { parseChoice } from '../core/choice-ids.ts';
import type { Ctx, Flow } from '../core/context.ts';
import type { HandoverStore, SelfCheckShare } from '../core/handover-port.ts';
import { cleanText, navForm, parseDigit } from '../core/input.ts';
import type { Choice, Outbound } from '../core/messages.ts';
import { showMainMenu } from '../core/views.ts';
import { readSelfCheck } from '../questionnaire/flow.ts';
import { sha256 } from './auth.ts';
import type { Municipalities } from './municipalities.ts';
import type { UserSide } from './user-side.ts';
import { END_CHOICE } from './user-texts.ts';

interface Draft {
  priority: 'normal' | 'crisis';
  consent?: string;
  /** The consent text shown said that the self-check answers may be shared too (asked separately after it). */
  selfCheckOffered?: boolean;
  /** The self-check answers the user agreed to share; absent or null: not shared. */
  selfCheck?: SelfCheckShare | null;
  municipality?: string | null;
  gender?: 'woman' | 'man' | null;
}

export interface HandoverFlowDeps {
  user: UserSide;
  store: HandoverStore;
  municipalities: Municipalities;
  /** Links a helper's Telegram chat (`/link CODE` sent to the bot); true when the code was valid. */
  linkTelegram(code: string, userKey: string): Promise<boolean>;
}

const STATES = ['hv-consent', 'hv-share', 'hv-municipality', 'hv-gender', 'hv-note'];
const END_COMMANDS = new Set(['end', 'stop', 'quit', 'leave']);

export function consentVersion(locale: string, text: string): string {
  return `v1/${locale}/${sha256(text).slice(0, 10)}`;
}

export function createHandoverFlow(deps: HandoverFlowDeps): Flow {
  const { user, store, municipalities } = deps;
  const draftOf = (ctx: Ctx) => ctx.session.flow.hvDraft as Draft | undefined;
  const words = (ctx: Ctx, key: string) =>
    [ctx.t(key), ctx.deps.i18n.t('en', key)]
      .flatMap((s) => s.split(','))
      .map(navForm)
      .filter(Boolean);
  const isWord = (ctx: Ctx, key: string, text: string) => words(ctx, key).includes(navForm(text));

  function emit(ctx: Ctx, messages: Outbound[]): void {
    ctx.out.push(...messages);
    const last = [...messages].reverse().find((m) => m.kind === 'choices');
    if (last?.kind === 'choices') ctx.session.lastChoices = last.choices.map((c) => c.id);
  }

  /** The consent text as shown: with a line about the self-check when its answers will be offered for sharing. */
  function consentText(ctx: Ctx, offerSelfCheck: boolean): string {
    const text = ctx.t('handover.consent');
    return offerSelfCheck ? `${text}\n\n${ctx.t('handover.consent_self_check')}` : text;
  }

  function askConsent(ctx: Ctx): void {
    const d = draftOf(ctx);
    // In a crisis the request goes out right after consent: no extra question, so no offer to share the self-check.
    const offer = d?.priority === 'normal' && readSelfCheck(ctx.session, ctx.now) !== null;
    if (d) d.selfCheckOffered = offer;
    ctx.session.state = { name: 'hv-consent' };
    ctx.ask(
      consentText(ctx, offer),
      [
        { id: 'hv:yes', label: ctx.t('handover.consent_yes') },
        { id: 'hv:no', label: ctx.t('handover.consent_no') },
      ],
      'buttons',
    );
  }

  /** The separate yes/no on sharing the self-check answers (typed yes/no works too: the ids end in `:yes`/`:no`). */
  function askShare(ctx: Ctx): void {
    ctx.session.state = { name: 'hv-share' };
    ctx.ask(
      ctx.t('handover.share_self_check'),
      [
        { id: 'hv:share:yes', label: ctx.t('handover.share_yes') },
        { id: 'hv:share:no', label: ctx.t('handover.share_no') },
      ],
      'buttons',
    );
  }

  function askMunicipality(ctx: Ctx, intro?: string): void {
    ctx.session.state = { name: 'hv-municipality' };
    const choices: Choice[] = [];
    const known = ctx.session.municipality ? municipalities.exact(ctx.session.municipality) : undefined;
    if (known) choices.push({ id: `hv:gm-${known.id}`.slice(0, 64), label: known.name });
    choices.push({ id: 'hv:skip', label: ctx.t('handover.skip') });
    ctx.ask(`${intro ? `${intro}\n\n` : ''}${ctx.t('handover.ask_municipality')}`, choices, 'buttons');
  }

  function askGender(ctx: Ctx): void {
    ctx.session.state = { name: 'hv-gender' };
    ctx.ask(
      ctx.t('handover.ask_gender'),
      [
        { id: 'hv:woman', label: ctx.t('handover.gender_woman') },
        { id: 'hv:man', label: ctx.t('handover.gender_man') },
        { id: 'hv:any', label: ctx.t('handover.gender_any') },
      ],
      'buttons',
    );
  }

  function askNote(ctx: Ctx): void {
    ctx.session.state = { name: 'hv-note' };
    ctx.ask(ctx.t('handover.ask_note'), [{ id: 'hv:skip', label: ctx.t('handover.skip') }], 'buttons');
  }

  async function submit(ctx: Ctx, note: string | null): Promise<void> {
    const d = draftOf(ctx);
    delete ctx.session.flow.hvDraft;
    if (!d?.consent) return start(ctx, 'normal');
    const r = await user.request({
      userKey: ctx.inbound.userKey,
      channel: ctx.inbound.channel,
      locale: ctx.locale,
      priority: d.priority,
      municipality: d.municipality ?? null,
      genderPreference: d.gender ?? null,
      note,
      topics: ctx.session.topicsRead.map(({ id, version, revision }) => ({ id, version, revision })),
      consentVersion: d.consent,
      selfCheck: d.selfCheck ?? null,
    });
    ctx.session.flow.hv = { id: r.conversation.id };
    ctx.session.state = { name: 'hv-waiting' };
    emit(ctx, r.messages);
  }

  async function start(ctx: Ctx, priority: 'normal' | 'crisis'): Promise<void> {
    const open = await store.openConversationFor(ctx.inbound.userKey);
    if (open) {
      if (priority === 'crisis') await user.raisePriority(open);
      ctx.session.flow.hv = { id: open.id };
      const r = await user.request({
        userKey: ctx.inbound.userKey,
        channel: open.channel,
        locale: open.locale,
        priority,
        municipality: null,
        genderPreference: null,
        note: null,
        topics: [],
        consentVersion: open.consentVersion,
      });
      return emit(ctx, r.messages);
    }
    ctx.session.flow.hvDraft = { priority } satisfies Draft;
    askConsent(ctx);
  }

  async function next(ctx: Ctx, after: 'consent' | 'share' | 'municipality' | 'gender', intro?: string): Promise<void> {
    const d = draftOf(ctx);
    if (!d) return start(ctx, 'normal');
    // In a crisis the optional questions wait: the request goes out at once.
    if (d.priority === 'crisis') return submit(ctx, null);
    if (after === 'consent' && d.selfCheckOffered && readSelfCheck(ctx.session, ctx.now)) return askShare(ctx);
    if (after === 'consent' || after === 'share') return askMunicipality(ctx, intro);
    if (after === 'municipality') return askGender(ctx);
    return askNote(ctx);
  }

  async function endOrStop(ctx: Ctx): Promise<boolean> {
    const open = await store.openConversationFor(ctx.inbound.userKey);
    if (!open) return false;
    delete ctx.session.flow.hv;
    const out = await user.endByUser(open);
    emit(ctx, out);
    ctx.session.state = { name: 'menu' };
    return true;
  }

  async function onHv(ctx: Ctx, arg: string): Promise<boolean> {
    const d = draftOf(ctx);
    const state = ctx.session.state.name;
    if (arg === 'start') return start(ctx, 'normal').then(() => true);
    if (arg === 'end' || arg === 'stop') {
      if (!(await endOrStop(ctx))) showMainMenu(ctx);
      return true;
    }
    const rate = /^rate-([1-3])\.([0-9a-f]{16})$/.exec(arg);
    if (rate) {
      const ok = await user.rate(rate[2] ?? '', ctx.inbound.userKey, Number(rate[1]));
      showMainMenu(ctx, ok ? ctx.t('handover.rate_thanks') : undefined);
      return true;
    }
    if (!d) return start(ctx, 'normal').then(() => true);
    if ((arg === 'yes' || arg === 'no') && state === 'hv-consent') {
      const text = consentText(ctx, d.selfCheckOffered === true);
      const version = consentVersion(ctx.locale, text);
      await store.recordConsent({ userKey: ctx.inbound.userKey, at: ctx.now, version, locale: ctx.locale, granted: arg === 'yes' });
      if (arg === 'no') {
        delete ctx.session.flow.hvDraft;
        showMainMenu(ctx, ctx.t('handover.consent_declined'));
        return true;
      }
      d.consent = version;
      await next(ctx, 'consent');
      return true;
    }
    if (!d.consent) return start(ctx, d.priority).then(() => true);
    if ((arg === 'share:yes' || arg === 'share:no') && state === 'hv-share') {
      // Declining keeps the handover going; only the answers stay in the session (and expire there).
      const share = arg === 'share:yes' ? readSelfCheck(ctx.session, ctx.now) : null;
      const version = `self-check/${consentVersion(ctx.locale, ctx.t('handover.share_self_check'))}`;
      await store.recordConsent({ userKey: ctx.inbound.userKey, at: ctx.now, version, locale: ctx.locale, granted: arg === 'share:yes' });
      d.selfCheck = share;
      await next(ctx, 'share', ctx.t(share ? 'handover.share_done' : 'handover.share_declined'));
      return true;
    }
    if (arg.startsWith('gm-') && state === 'hv-municipality') {
      const m = municipalities.get(arg.slice(3));
      if (!m) {
        askMunicipality(ctx);
        return true;
      }
      d.municipality = m.id;
      ctx.session.municipality = m.id;
      await next(ctx, 'municipality');
      return true;
    }
    if ((arg === 'woman' || arg === 'man' || arg === 'any') && state === 'hv-gender') {
      d.gender = arg === 'any' ? null : arg;
      await next(ctx, 'gender');
      return true;
    }
    if (arg === 'skip' && state !== 'hv-share') {
      if (state === 'hv-municipality') await next(ctx, 'municipality');
      else if (state === 'hv-gender') await next(ctx, 'gender');
      else await submit(ctx, null);
      return true;
    }
    // A button from an earlier step: ask the current question again.
    if (state === 'hv-share') askShare(ctx);
    else if (state === 'hv-municipality') askMunicipality(ctx);
    else if (state === 'hv-gender') askGender(ctx);
    else if (state === 'hv-note') askNote(ctx);
    else askConsent(ctx);
    return true;
  }

  async function onStateText(ctx: Ctx, text: string): Promise<boolean> {
    const state = ctx.session.state.name;
    const d = draftOf(ctx);
    if (!d?.consent || parseDigit(text) !== null) return false;
    if (isWord(ctx, 'nav.menu_words', text) || isWord(ctx, 'nav.back_words', text)) return false;
    if (state === 'hv-municipality') {
      const exact = municipalities.exact(text);
      if (exact) return onHv(ctx, `gm-${exact.id}`);
      const found = municipalities.match(text, 3);
      if (!found.length) {
        askMunicipality(ctx, ctx.t('handover.municipality_unknown'));
        return true;
      }
      ctx.ask(
        ctx.t('handover.municipality_pick'),
        [...found.map((m) => ({ id: `hv:gm-${m.id}`.slice(0, 64), label: m.name })), { id: 'hv:skip', label: ctx.t('handover.skip') }],
        'list',
      );
      return true;
    }
    if (state === 'hv-note') {
      await submit(ctx, text.slice(0, 300));
      return true;
    }
    return false;
  }

  async function relay(ctx: Ctx, crisisShown: boolean): Promise<boolean> {
    const ref = ctx.session.flow.hv as { id?: string } | undefined;
    if (!ref?.id) return false;
    const c = await store.getConversation(ref.id);
    if (!c || (c.status !== 'waiting' && c.status !== 'active')) {
      delete ctx.session.flow.hv;
      return false;
    }
    const active = c.status === 'active';
    const inbound = ctx.inbound;
    const connectedNote = () =>
      emit(ctx, [
        {
          kind: 'choices',
          text: ctx.t('handover.connected_note'),
          choices: [{ id: END_CHOICE, label: ctx.t('handover.end') }],
          style: 'buttons',
          lang: ctx.locale,
          dir: ctx.dir(),
        },
      ]);
    const command =
      inbound.kind === 'command'
        ? inbound.command.toLowerCase()
        : inbound.kind === 'text'
          ? /^\/([a-z_]{1,32})/i.exec(inbound.text.trim())?.[1]?.toLowerCase()
          : undefined;
    if (inbound.kind === 'choice') {
      const p = parseChoice(inbound.id);
      if (!active || p?.type === 'hv' || p?.type === 'forget' || p?.type === 'lang') return false;
      if (p?.type === 'nav' && p.arg === 'person-urgent') return false;
      connectedNote();
      return true;
    }
    if (command !== undefined) {
      if (END_COMMANDS.has(command)) return endOrStop(ctx);
      if (command === 'forget' || command === 'language' || !active) return false;
      connectedNote();
      return true;
    }
    if (inbound.kind === 'text') {
      const cleaned = cleanText(inbound.text);
      if (!cleaned.ok) {
        if (!active) return false;
        ctx.say(ctx.t(cleaned.reason === 'empty' ? 'input.empty' : 'input.too_long'));
        return true;
      }
      if (!crisisShown && isWord(ctx, 'handover.end_words', cleaned.text)) return endOrStop(ctx);
      await user.userMessage(c, { kind: 'text', text: cleaned.text, crisis: crisisShown });
    } else if (inbound.kind === 'media') {
      await user.userMessage(c, { kind: 'media', mediaType: inbound.mediaType, mediaRef: inbound.ref ?? null, text: inbound.caption ?? null });
    } else if (inbound.kind === 'location') {
      await user.userMessage(c, { kind: 'location', text: `${inbound.lat.toFixed(5)}, ${inbound.lon.toFixed(5)}` });
    }
    if (!active && !crisisShown) emit(ctx, user.waitingAck(c));
    return true;
  }

  return {
    name: 'handover',
    choiceTypes: ['hv'],
    states: STATES,
    intercept: relay,
    topicChoices(ctx, topicId) {
      return topicId === 'sleutelpersoon' ? [{ id: 'hv:start', label: ctx.t('handover.start') }] : [];
    },
    async onChoice(ctx, type, arg) {
      return type === 'hv' ? onHv(ctx, arg) : false;
    },
    onText: onStateText,
    async onPerson(ctx, priority) {
      await start(ctx, priority);
      return true;
    },
    async onCommand(ctx, command) {
      if (command === 'forgotten') {
        const ref = ctx.session.flow.hv as { id?: string } | undefined;
        if (ref?.id) user.forgotten(ref.id);
        return false;
      }
      if (command === 'link') {
        const raw =
          ctx.inbound.kind === 'command' ? (ctx.inbound.args ?? '') : ctx.inbound.kind === 'text' ? ctx.inbound.text.replace(/^\/link(@\w+)?/i, '') : '';
        const ok = ctx.inbound.channel === 'telegram' && (await deps.linkTelegram(raw.replace(/\D/g, ''), ctx.inbound.userKey));
        ctx.say(ctx.deps.i18n.t('nl', ok ? 'handover.link_done' : 'handover.link_bad'), 'nl');
        return true;
      }
      if (END_COMMANDS.has(command)) return endOrStop(ctx);
      return false;
    },
  };
}
