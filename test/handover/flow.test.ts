/**
 * The handover flow inside the engine (wired app, in-memory SQLite, fake clock): consent, skippable questions,
 * honest waiting, crisis priority, the bot's silence while connected, ending, forgetting and Telegram linking.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HelperRow } from '../../src/core/handover-port.ts';
import type { Inbound, Outbound } from '../../src/core/messages.ts';
import type { HandoverEvent } from '../../src/handover/events.ts';
import type { RunningApp } from '../helpers/app.ts';
import { choicesOf, type FakeClock, fakeClock, startHandoverApp, textsOf } from './support.ts';

let app: RunningApp;
let clock: FakeClock;
let notices: { login: string; text: string }[];
let n = 0;

beforeEach(async () => {
  clock = fakeClock();
  notices = [];
  app = await startHandoverApp({ clock, helperNotice: { notify: async (h, text) => void notices.push({ login: h.login, text }) } });
});
afterEach(async () => {
  await app?.stop();
});

function user(key: string, channel: Inbound['channel'] = 'web') {
  const send = (p: Record<string, unknown>): Promise<Outbound[]> => app.wired.engine.handle({ channel, userKey: key, messageId: `m${n++}`, ...p } as Inbound);
  return {
    send,
    text: (text: string) => send({ kind: 'text', text }),
    choose: (id: string) => send({ kind: 'choice', id }),
    command: (command: string) => send({ kind: 'command', command }),
  };
}

async function helper(
  over: { languages?: string[]; schedule?: string; name?: string; gender?: 'woman' | 'man'; telegramKey?: string } = {},
): Promise<HelperRow> {
  const { helper: h } = await app.wired.handover.accounts.add({
    name: over.name ?? 'Amal',
    languages: over.languages ?? ['ar'],
    regions: ['*'],
    schedule: over.schedule ?? 'mo-fr 09:00-17:00',
    gender: over.gender ?? null,
  });
  if (over.telegramKey) await app.wired.store.updateHelper(h.id, { telegramKey: over.telegramKey });
  return (await app.wired.store.getHelper(h.id)) as HelperRow;
}

async function waiting(key: string, locale = 'ar') {
  const u = user(key);
  await u.choose(`lang:${locale}`);
  await u.choose('nav:person');
  await u.choose('hv:yes');
  await u.choose('hv:skip');
  await u.choose('hv:any');
  const out = await u.choose('hv:skip');
  const conv = await app.wired.store.openConversationFor(key);
  if (!conv) throw new Error('no conversation');
  return { u, out, conv };
}

describe('handover flow in the engine', () => {
  it('records a refusal and shares nothing', async () => {
    const u = user('refuser');
    await u.choose('lang:en');
    const consent = await u.choose('nav:person');
    expect(textsOf(consent)).toContain('never see your phone number or your Telegram name');
    const no = await u.choose('hv:no');
    expect(textsOf(no)).toContain('Nothing was shared');
    expect(await app.wired.store.listConversations({})).toEqual([]);
    expect(await app.wired.store.listConsents('refuser')).toMatchObject([{ granted: false, locale: 'en' }]);
  });

  it('accepts typed yes, fuzzy municipalities, skips, and remembers the municipality', async () => {
    await helper({ languages: ['en'] });
    const u = user('typer');
    await u.choose('lang:en');
    await u.choose('nav:person');
    const q = await u.text('yes');
    expect(textsOf(q)).toContain('municipality');
    const unknown = await u.text('Atlantis City');
    expect(textsOf(unknown)).toContain("I don't know that municipality");
    const g = await u.text('Den Haag');
    expect(choicesOf(g)).toEqual(['hv:woman', 'hv:man', 'hv:any']);
    expect(JSON.parse((await app.wired.store.getSession('typer'))?.data ?? '{}').municipality).toBe('s-gravenhage');
    await u.choose('hv:man');
    const out = await u.choose('hv:skip');
    expect(textsOf(out)).toContain('working right now');
    const conv = await app.wired.store.openConversationFor('typer');
    expect(conv).toMatchObject({ municipality: 's-gravenhage', province: 'zuid-holland', genderPreference: 'man', note: null });
    // Asking again while waiting does not create a second conversation.
    const again = await u.choose('nav:person');
    expect(textsOf(again)).toContain('already waiting');
    expect(await app.wired.store.listConversations({})).toHaveLength(1);
    // Next time the municipality is offered as a button.
    await u.choose('hv:stop');
    await u.choose('nav:person');
    expect(choicesOf(await u.choose('hv:yes'))).toEqual(['hv:gm-s-gravenhage', 'hv:skip']);
  });

  it('says at once when nobody is on duty, with the next time and the alternatives', async () => {
    await helper({ schedule: 'mo 09:00-12:00' });
    clock.t = Date.UTC(2026, 10, 28, 11, 0); // Saturday
    const { out } = await waiting('weekend');
    const text = textsOf(out);
    expect(text).toContain('الاثنين'); // Monday, in Arabic
    expect(text).toContain('09:00');
    expect(text).toContain('huisartsenpost');
    expect(text).toContain('113');
    expect(text).toContain('112');
    expect(notices).toEqual([]); // nobody on duty: no notices
  });

  it('goes straight to the queue with crisis priority after consent when offered by the crisis card', async () => {
    await helper({ telegramKey: 'tg-amal' });
    const u = user('crisis');
    await u.choose('lang:ar');
    const card = await u.text('أريد أن أنهي حياتي');
    expect(choicesOf(card)).toContain('nav:person-urgent');
    await u.choose('nav:person-urgent');
    const out = await u.choose('hv:yes');
    expect(textsOf(out)).toContain('sleutelpersoon');
    const conv = await app.wired.store.openConversationFor('crisis');
    expect(conv).toMatchObject({ priority: 'crisis', municipality: null });
    expect(notices.at(-1)?.text).toContain('crisis');
  });

  it('relays while connected: the bot is silent, crisis still shows and raises priority, the user can end', async () => {
    const amal = await helper({ telegramKey: 'tg-amal' });
    const { u, conv } = await waiting('connected');
    const events: HandoverEvent[] = [];
    app.wired.handover.bus.on((e) => void events.push(e));
    expect((await app.wired.handover.helpers.claim(amal, conv.id)).ok).toBe(true);

    expect(await u.text('مرحبا')).toEqual([]);
    expect(await u.send({ kind: 'media', mediaType: 'voice', ref: 'voice-file-1' })).toEqual([]);
    expect(await u.send({ kind: 'location', lat: 52.0907, lon: 5.1214 })).toEqual([]);
    const crisis = await u.text('أفكر في الانتحار');
    expect(textsOf(crisis)).toContain('113');
    expect((await app.wired.store.getConversation(conv.id))?.priority).toBe('crisis');
    expect(notices.some((x) => x.login === amal.login && x.text.includes('PRIORITEIT'))).toBe(true);
    const msgs = await app.wired.store.listMessages(conv.id);
    expect(msgs.filter((m) => m.sender === 'user').map((m) => m.kind)).toEqual(['text', 'media', 'location', 'text']);
    expect(msgs.find((m) => m.kind === 'media')).toMatchObject({ mediaType: 'voice', mediaRef: 'voice-file-1' });
    expect(events.some((e) => e.type === 'message' && e.message.text === 'مرحبا')).toBe(true);

    const note = await u.choose('nav:menu');
    expect(textsOf(note)).toContain('sleutelpersoon');
    expect(choicesOf(note)).toEqual(['hv:end']);
    expect(choicesOf(await u.command('menu'))).toEqual(['hv:end']);

    const end = await u.text('إنهاء المحادثة');
    expect(choicesOf(end)).toEqual([`hv:rate-3.${conv.id}`, `hv:rate-2.${conv.id}`, `hv:rate-1.${conv.id}`]);
    expect(await app.wired.store.getConversation(conv.id)).toMatchObject({ status: 'closed', closedBy: 'user' });
    expect(events.some((e) => e.type === 'status' && e.status === 'closed')).toBe(true);
    // A rating for someone else's conversation is ignored.
    await user('other').choose(`hv:rate-1.${conv.id}`);
    expect((await app.wired.store.getConversation(conv.id))?.rating).toBeNull();
    // After ending, the bot answers again.
    expect((await u.choose('nav:menu')).length).toBeGreaterThan(0);
  });

  it('while waiting adds messages to the question, lets menus work, and can stop waiting', async () => {
    await helper();
    const { u, conv } = await waiting('waiter');
    const ack = await u.text('هل يمكنني أن أسأل عن الأسنان؟');
    expect(textsOf(ack)).toContain('أضفت هذا إلى سؤالك');
    expect((await app.wired.store.listMessages(conv.id)).map((m) => m.text)).toContain('هل يمكنني أن أسأل عن الأسنان؟');
    expect(choicesOf(await u.choose('nav:menu'))).toContain('nav:person');
    const stop = await u.choose('hv:stop');
    expect(textsOf(stop)).toContain('لم تعد تنتظر');
    expect(await app.wired.store.getConversation(conv.id)).toMatchObject({ status: 'closed', closedBy: 'user', helperId: null });
  });

  it('offers a start button on the sleutelpersoon topic reached by free text', async () => {
    const u = user('free');
    await u.choose('lang:en');
    const out = await u.text('I want to talk to a person');
    expect(choicesOf(out)).toContain('hv:start');
    expect(textsOf(await u.choose('hv:start'))).toContain('Is that OK?');
  });

  it('forget me deletes the conversation and tells the helper neutrally', async () => {
    const amal = await helper();
    const { u, conv } = await waiting('forgetter');
    await app.wired.handover.helpers.claim(amal, conv.id);
    const events: HandoverEvent[] = [];
    app.wired.handover.bus.on((e) => void events.push(e));
    await u.command('forget');
    await u.choose('forget:yes');
    expect(await app.wired.store.getConversation(conv.id)).toBeUndefined();
    expect(await app.wired.store.listMessages(conv.id)).toEqual([]);
    expect(await app.wired.store.listConsents('forgetter')).toEqual([]);
    expect(events).toContainEqual({ type: 'status', conversationId: conv.id, status: 'forgotten', helperId: null });
    expect((await app.wired.store.listAudit(50)).find((a) => a.action === 'forgotten')).toMatchObject({
      conversationId: conv.id,
      helperId: amal.id,
      detail: null,
    });
  });

  it('links a helper Telegram chat with a one-time code, only on Telegram', async () => {
    const amal = await helper();
    const code = await app.wired.handover.accounts.telegramCode(amal.id);
    expect(textsOf(await user('web-helper').text(`/link ${code}`))).toContain('werkt niet');
    const tg = user('tg-user-key', 'telegram');
    expect(textsOf(await tg.text('/link 00000000'))).toContain('werkt niet');
    expect(textsOf(await tg.send({ kind: 'command', command: 'link', args: code }))).toContain('gekoppeld');
    expect((await app.wired.store.getHelper(amal.id))?.telegramKey).toBe('tg-user-key');
    expect(textsOf(await tg.text(`/link ${code}`))).toContain('werkt niet');
  });
});
