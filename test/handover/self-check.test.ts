/**
 * Sharing the self-check with a sleutelpersoon (issue 10, "Self-check"): the answers live only in the session and are
 * attached to the conversation only when the user agrees, in a separate yes/no after the general consent. Declining
 * shares nothing of them and still connects; without a finished self-check nothing extra is asked. The inbox shows
 * the shared answers in Dutch (escaped), and "forget me" deletes them with the conversation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Inbound, Outbound } from '../../src/core/messages.ts';
import { consentVersion } from '../../src/handover/flow.ts';
import type { RunningApp } from '../helpers/app.ts';
import { CONTENT, LOCALES } from '../nearby/harness.ts';
import { scanDatabase } from '../privacy/scan-db.ts';
import { conversation } from '../storage/handover-contract.ts';
import { choicesOf, type FakeClock, fakeClock, type InboxClient, inboxClient, PASSWORD, startHandoverApp, textsOf } from './support.ts';

const QUESTIONS = ['sleep', 'nightmares', 'headache', 'pain', 'anger', 'memories', 'fear', 'forgetting', 'interest', 'concentration'];
/** Yes to sleep, nightmares and fear; no to the rest. */
const YES = new Set(['sleep', 'nightmares', 'fear']);
const ANSWERS = Object.fromEntries(QUESTIONS.map((q) => [q, YES.has(q)]));

let app: RunningApp;
let clock: FakeClock;
let n = 0;

beforeEach(async () => {
  clock = fakeClock();
  // A private, validated copy of the real content (it has the Protect questionnaire in all nine languages).
  app = await startHandoverApp({ clock, env: { CONTENT_DIR: CONTENT } });
});
afterEach(async () => {
  await app?.stop();
});

function user(key: string) {
  const send = (p: Record<string, unknown>): Promise<Outbound[]> =>
    app.wired.engine.handle({ channel: 'web', userKey: key, messageId: `sc${n++}`, ...p } as Inbound);
  return {
    send,
    text: (text: string) => send({ kind: 'text', text }),
    choose: (id: string) => send({ kind: 'choice', id }),
  };
}

type User = ReturnType<typeof user>;
const t = (locale: string, key: string) => app.wired.handover.kernel.deps.i18n.t(locale, key);

async function selfCheck(u: User): Promise<void> {
  await u.choose('qn:start:protect');
  for (const [i, q] of QUESTIONS.entries()) await u.choose(`qn:a:${i}:${YES.has(q) ? 'yes' : 'no'}`);
}

/** The optional questions after consent (and the share question): skipped, so the request goes out. */
async function finish(u: User): Promise<Outbound[]> {
  await u.choose('hv:skip');
  await u.choose('hv:any');
  return u.choose('hv:skip');
}

async function inbox(): Promise<InboxClient> {
  const { link } = await app.wired.handover.accounts.add({ name: 'Amal', languages: ['en', ...LOCALES], regions: ['*'], schedule: 'mo-su 00:00-24:00' });
  const token = new URL(link).searchParams.get('token') ?? '';
  const c = inboxClient(app.url);
  const page = await c.get(`/helpers/set-password?token=${token}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  await c.form('/helpers/set-password', { _csrf: csrf, token, password: PASSWORD, password2: PASSWORD });
  expect((await c.login('amal')).status).toBe(303);
  return c;
}

describe('sharing the self-check in the consent step', () => {
  it('self-check done, consent yes, share yes: the conversation has the answers and the inbox shows them in Dutch', async () => {
    const helper = await inbox();
    const u = user('sharer');
    await u.choose('lang:en');
    await selfCheck(u);
    const consent = await u.choose('nav:person');
    // The consent text says, in the user's language, that the answers may be shared too (asked separately).
    expect(textsOf(consent)).toContain(t('en', 'handover.consent'));
    expect(textsOf(consent)).toContain('You also answered the questions about how you are doing.');
    expect(choicesOf(consent)).toEqual(['hv:yes', 'hv:no']);
    const share = await u.choose('hv:yes');
    expect(textsOf(share)).toContain('Do you also want to share your answers');
    expect(choicesOf(share)).toEqual(['hv:share:yes', 'hv:share:no']);
    const shared = await u.choose('hv:share:yes');
    expect(textsOf(shared)).toContain('The sleutelpersoon will see your answers.');
    expect(textsOf(shared)).toContain('municipality');
    const out = await finish(u);
    expect(choicesOf(out)).toContain('hv:stop');

    const conv = await app.wired.store.openConversationFor('sharer');
    expect(conv?.selfCheck).toEqual({ questionnaire: 'protect', yes: 3, answers: ANSWERS });
    // Both decisions are recorded: the consent as shown (with the self-check line) and the agreement to share.
    const consents = await app.wired.store.listConsents('sharer');
    expect(consents.map((c) => c.granted)).toEqual([true, true]);
    expect(consents[0]?.version).toBe(consentVersion('en', `${t('en', 'handover.consent')}\n\n${t('en', 'handover.consent_self_check')}`));
    expect(consents[1]?.version).toMatch(/^self-check\/v1\/en\//);

    const page = await helper.get(`/helpers/c/${conv?.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Zelftest gedeeld door de gebruiker');
    expect(page.text).toContain('3 van de 10 keer ja');
    const rows = [...page.text.matchAll(/<tr><td lang="nl">([^<]*)<\/td><td class="answer-(ja|nee)">(ja|nee)<\/td><\/tr>/g)].map((m) => [m[1], m[3]]);
    const nl = app.wired.content.current().questionnaires?.get('protect')?.texts.nl;
    expect(rows).toEqual(QUESTIONS.map((q) => [nl?.questions[q], YES.has(q) ? 'ja' : 'nee']));
    expect(rows[0]?.[0]).toBe('Val je vaak moeilijk in slaap?');
    // The JSON API carries the same view.
    const api = await helper.get(`/helpers/api/c/${conv?.id}`, true);
    expect(api.json.selfCheck).toMatchObject({
      yes: 3,
      total: 10,
      answers: expect.arrayContaining([{ id: 'fear', question: nl?.questions.fear, answer: 'ja' }]),
    });
  });

  it('share no: the conversation has no answers, and the handover still goes ahead', async () => {
    const helper = await inbox();
    const u = user('decliner');
    await u.choose('lang:en');
    await selfCheck(u);
    await u.choose('nav:person');
    await u.choose('hv:yes');
    const declined = await u.choose('hv:share:no');
    expect(textsOf(declined)).toContain('Your answers will not be shared.');
    expect(textsOf(declined)).toContain('municipality');
    expect(choicesOf(declined)).toContain('hv:skip');
    const out = await finish(u);
    expect(textsOf(out)).toContain(t('en', 'handover.queued').slice(0, 20));

    const conv = await app.wired.store.openConversationFor('decliner');
    expect(conv?.status).toBe('waiting');
    expect(conv?.selfCheck).toBeNull();
    expect((await app.wired.store.listConsents('decliner')).map((c) => c.granted)).toEqual([true, false]);
    const page = await helper.get(`/helpers/c/${conv?.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Zelftest');
    expect(page.text).not.toContain('Val je vaak moeilijk in slaap?');
    // The answers stay in the session only (for the hour they live there).
    expect(JSON.parse((await app.wired.store.getSession('decliner'))?.data ?? '{}').flow.selfCheck).toMatchObject({ yes: 3 });
  });

  it('without a self-check there is no extra question and no self-check line', async () => {
    const u = user('plain');
    await u.choose('lang:en');
    const consent = await u.choose('nav:person');
    expect(textsOf(consent)).not.toContain('questions about how you are doing');
    const next = await u.choose('hv:yes');
    expect(choicesOf(next)).not.toContain('hv:share:yes');
    expect(textsOf(next)).toContain('municipality');
    await finish(u);
    expect((await app.wired.store.openConversationFor('plain'))?.selfCheck).toBeNull();
    const consents = await app.wired.store.listConsents('plain');
    expect(consents).toHaveLength(1);
    expect(consents[0]?.version).toBe(consentVersion('en', t('en', 'handover.consent')));
  });

  it('a self-check older than an hour is not offered', async () => {
    const u = user('late');
    await u.choose('lang:en');
    await selfCheck(u);
    clock.advance(61 * 60_000);
    expect(textsOf(await u.choose('nav:person'))).not.toContain('questions about how you are doing');
    expect(choicesOf(await u.choose('hv:yes'))).not.toContain('hv:share:yes');
  });

  it('in a crisis the request goes out right after consent: no share question, nothing shared', async () => {
    const u = user('urgent');
    await u.choose('lang:en');
    await selfCheck(u);
    const consent = await u.choose('nav:person-urgent');
    expect(textsOf(consent)).not.toContain('questions about how you are doing');
    const out = await u.choose('hv:yes');
    expect(choicesOf(out)).not.toContain('hv:share:yes');
    expect(await app.wired.store.openConversationFor('urgent')).toMatchObject({ priority: 'crisis', selfCheck: null });
  });

  it('a button from an earlier step during the share question asks it again', async () => {
    const u = user('tapper');
    await u.choose('lang:en');
    await selfCheck(u);
    await u.choose('nav:person');
    await u.choose('hv:yes');
    const again = await u.choose('hv:skip');
    expect(choicesOf(again)).toEqual(['hv:share:yes', 'hv:share:no']);
    expect(await app.wired.store.openConversationFor('tapper')).toBeUndefined();
  });

  it.each(LOCALES)('typed yes and no work in %s, with the texts in that language', async (locale) => {
    const yes = t(locale, 'nav.yes_words').split(',')[0]?.trim() ?? '';
    const no = t(locale, 'nav.no_words').split(',')[0]?.trim() ?? '';
    for (const [key, answer] of [
      [`${locale}-share`, yes],
      [`${locale}-keep`, no],
    ] as const) {
      const u = user(key);
      await u.choose(`lang:${locale}`);
      await selfCheck(u);
      const consent = await u.choose('nav:person');
      expect(textsOf(consent)).toContain(t(locale, 'handover.consent_self_check'));
      const share = await u.text(yes);
      expect(textsOf(share)).toContain(t(locale, 'handover.share_self_check'));
      expect(share.flatMap((m) => (m.kind === 'choices' ? m.choices.map((c) => c.label) : []))).toEqual([
        t(locale, 'handover.share_yes'),
        t(locale, 'handover.share_no'),
      ]);
      expect(share.every((m) => m.lang === locale)).toBe(true);
      const after = await u.text(answer);
      expect(textsOf(after)).toContain(t(locale, answer === yes ? 'handover.share_done' : 'handover.share_declined'));
      await finish(u);
      const conv = await app.wired.store.openConversationFor(key);
      expect(conv?.status).toBe('waiting');
      expect(conv?.selfCheck ?? null).toEqual(answer === yes ? { questionnaire: 'protect', yes: 3, answers: ANSWERS } : null);
    }
  });

  it('every new string exists in all nine locale files', () => {
    for (const locale of LOCALES) {
      for (const key of ['consent_self_check', 'share_self_check', 'share_yes', 'share_no', 'share_done', 'share_declined']) {
        expect(app.wired.handover.kernel.deps.i18n.has(locale, `handover.${key}`), `${locale} handover.${key}`).toBe(true);
      }
    }
  });
});

describe('shared answers in the inbox and after "forget me"', () => {
  it('escapes what is stored, like all user content', async () => {
    const helper = await inbox();
    const conv = conversation({
      id: 'aaaaaaaaaaaaaaaa',
      userKey: 'stored',
      locale: 'en',
      municipality: null,
      province: null,
      note: null,
      createdAt: clock.t,
      updatedAt: clock.t,
      consentVersion: 'v1/en/x',
      topics: [],
      contentVersion: 'test',
      selfCheck: { questionnaire: '<b>q</b>', yes: 1, answers: { '<img src=x onerror=alert(1)>': true } },
    });
    await app.wired.store.createConversation(conv);
    const page = await helper.get(`/helpers/c/${conv.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Zelftest gedeeld door de gebruiker');
    expect(page.text).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(page.text).toContain('&#60;b&#62;q&#60;/b&#62;');
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).not.toContain('<b>q</b>');
    expect(page.text).toContain('1 van de 1 keer ja');
  });

  it('"forget me" deletes the shared answers with the conversation; nothing linkable remains', async () => {
    const u = user('forgetter-with-self-check');
    await u.choose('lang:en');
    await selfCheck(u);
    await u.choose('nav:person');
    await u.choose('hv:yes');
    await u.choose('hv:share:yes');
    await finish(u);
    const store = app.wired.store;
    const shared = async () =>
      Number((await store.db.query<{ n: number }>('SELECT COUNT(*) AS n FROM handover_conversations WHERE self_check IS NOT NULL'))[0]?.n);
    expect(await shared()).toBe(1);
    await u.send({ kind: 'command', command: 'forget' });
    await u.choose('forget:yes');
    expect(await store.openConversationFor('forgetter-with-self-check')).toBeUndefined();
    expect(await shared()).toBe(0);
    expect((await scanDatabase(store.db, { ids: ['forgetter-with-self-check'] })).hits).toEqual([]);
  });
});
