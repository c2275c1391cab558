/**
 * The whole handover over HTTP: a user in the web chat API, helpers in the inbox's HTTP API. Consent, optional
 * questions, claim, relay both ways (the user's reply arrives over the web chat's SSE), send a topic, notes, close
 * with an outcome, rating, audit log and coordinator statistics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../helpers/app.ts';
import { addHelper, choicesOf, fakeClock, inboxClient, sseReader, startHandoverApp, textsOf, webUser } from './support.ts';

let app: RunningApp;
const clock = fakeClock();
const notices: { helper: string; text: string }[] = [];

beforeAll(async () => {
  app = await startHandoverApp({ clock, helperNotice: { notify: async (h, text) => void notices.push({ helper: h.login, text }) } });
});
afterAll(async () => {
  await app?.stop();
});

describe('handover end to end (web chat user, inbox helper)', () => {
  it('consent, questions, claim, relay both ways, topic, note, close with outcome, rating, audit', async () => {
    const amal = await addHelper(app, { name: 'Amal', languages: ['ar', 'nl'], regions: ['utrecht'], gender: 'woman' });
    await app.wired.store.updateHelper(amal.id, { telegramKey: 'tg-amal' });
    const helper = inboxClient(app.url);
    expect((await helper.login('amal')).status).toBe(303);
    const inboxEvents = await sseReader(`${app.url}/helpers/events`, helper.cookie());

    const user = await webUser(app, 'ar');
    const consent = await user.send({ choice: 'nav:person' });
    const consentText = textsOf(consent.json.messages ?? []);
    expect(consentText).toContain('sleutelpersoon');
    expect(consentText).toContain('تيليغرام'); // "never your Telegram name"
    expect(choicesOf(consent.json.messages ?? [])).toEqual(['hv:yes', 'hv:no']);
    expect(await app.wired.store.listConversations({})).toHaveLength(0);

    const muni = await user.send({ choice: 'hv:yes' });
    expect(choicesOf(muni.json.messages ?? [])).toContain('hv:skip');
    const gender = await user.send({ text: 'utrech' });
    expect(choicesOf(gender.json.messages ?? [])).toContain('hv:gm-utrecht');
    const gender2 = await user.send({ choice: 'hv:gm-utrecht' });
    expect(choicesOf(gender2.json.messages ?? [])).toEqual(['hv:woman', 'hv:man', 'hv:any']);
    await user.send({ choice: 'hv:woman' });
    const queued = await user.send({ text: 'أحتاج مساعدة مع طبيب العائلة' });
    const queuedText = textsOf(queued.json.messages ?? []);
    expect(queuedText).toContain('15'); // honest: someone on duty, update within 15 minutes
    expect(choicesOf(queued.json.messages ?? [])).toContain('hv:stop');

    const [conv] = await app.wired.store.listConversations({ status: ['waiting'] });
    expect(conv).toMatchObject({
      locale: 'ar',
      municipality: 'utrecht',
      province: 'utrecht',
      genderPreference: 'woman',
      note: 'أحتاج مساعدة مع طبيب العائلة',
      priority: 'normal',
    });
    const consents = await app.wired.store.listConsents(conv?.userKey ?? '');
    expect(consents).toHaveLength(1);
    expect(consents[0]).toMatchObject({ granted: true, locale: 'ar', at: clock.t });
    expect(consents[0]?.version).toMatch(/^v1\/ar\/[\w-]{10}$/);
    expect(conv?.consentVersion).toBe(consents[0]?.version);
    await inboxEvents.until((e) => e.event === 'waiting');
    // The on-duty helper got a Telegram notice without any message content.
    expect(notices.at(-1)?.helper).toBe('amal');
    expect(notices.at(-1)?.text).not.toContain('طبيب');
    expect(notices.at(-1)?.text).toContain('/helpers');

    // The waiting list shows it with priority and waiting time; the page lists it too.
    clock.advance(4 * 60_000);
    const list = await helper.get('/helpers/api/conversations', true);
    expect((list.json.waiting as { id: string; waitingFor: string }[]).map((w) => [w.id, w.waitingFor])).toEqual([[conv?.id, '4 min']]);
    expect((await helper.get('/helpers')).text).toContain(`/helpers/c/${conv?.id}/claim`);

    // Claim: the user is told who joined; the user's live stream receives it.
    const userEvents = await sseReader(`${app.url}/api/chat/events`, user.cookie);
    const claim = await helper.post(`/helpers/c/${conv?.id}/claim`);
    expect(claim.status).toBe(200);
    const joined = await userEvents.until((e) => textsOf((e.data as { messages: unknown[] }).messages).includes('Amal'));
    expect(choicesOf((joined.data as { messages: unknown[] }).messages)).toEqual(['hv:end']);

    // User → helper: the bot stays silent and the helper's conversation stream gets the message.
    const convEvents = await sseReader(`${app.url}/helpers/events?c=${conv?.id}`, helper.cookie());
    const silent = await user.send({ text: 'مرحبا، عندي سؤال عن الدواء' });
    expect(silent.json.messages).toEqual([]);
    const relayed = await convEvents.until((e) => e.event === 'message' && (e.data as { text: string }).text.includes('الدواء'));
    expect(relayed.data).toMatchObject({ cls: 'm-user', lang: 'ar', dir: 'rtl' });

    // Helper → user over the web chat SSE.
    const reply = await helper.post(`/helpers/c/${conv?.id}/reply`, { text: 'أهلا، كيف أستطيع المساعدة؟' });
    expect(reply.json).toEqual({ ok: true, status: 'active' });
    const got = await userEvents.until((e) => textsOf((e.data as { messages: unknown[] }).messages).includes('كيف أستطيع'));
    expect((got.data as { messages: { dir: string; lang: string }[] }).messages[0]).toMatchObject({ dir: 'rtl', lang: 'ar' });

    // Send a topic: the card arrives in Arabic, and the transcript keeps the content version.
    const topic = await helper.post(`/helpers/c/${conv?.id}/topic`, { topic: 'huisarts' });
    expect(topic.status).toBe(200);
    const arTitle = app.wired.content.current().topics.get('huisarts')?.texts.ar?.title ?? '';
    await userEvents.until((e) => textsOf((e.data as { messages: unknown[] }).messages).includes(arTitle));
    const note = await helper.post(`/helpers/c/${conv?.id}/note`, { text: 'Vraagt naar medicijnen; volgende week nabellen.' });
    expect(note.status).toBe(200);

    const detail = await helper.get(`/helpers/api/c/${conv?.id}`, true);
    const msgs = detail.json.messages as { cls: string; text: string }[];
    expect(msgs.map((m) => m.cls)).toEqual(['m-system', 'm-user', 'm-helper', 'm-helper m-topic', 'm-note']);
    expect(msgs[3]?.text).toContain(app.wired.content.current().version);
    const stored = await app.wired.store.listMessages(conv?.id ?? '');
    expect(stored.find((m) => m.kind === 'topic')).toMatchObject({ topicId: 'huisarts', contentVersion: app.wired.content.current().version });
    expect(stored.every((m) => m.contentVersion === app.wired.content.current().version)).toBe(true);

    // Close with an outcome: the user gets the one-tap rating; tapping it records the rating.
    const close = await helper.post(`/helpers/c/${conv?.id}/close`, { outcome: 'huisarts' });
    expect(close.json).toEqual({ ok: true, status: 'closed' });
    const rating = await userEvents.until((e) => choicesOf((e.data as { messages: unknown[] }).messages).some((c) => c.startsWith('hv:rate-')));
    const rateId = choicesOf((rating.data as { messages: unknown[] }).messages)[0] ?? '';
    expect(rateId).toBe(`hv:rate-3.${conv?.id}`);
    const thanks = await user.send({ choice: rateId });
    expect(textsOf(thanks.json.messages ?? [])).toContain('شكرًا على إجابتك');
    expect(await app.wired.store.getConversation(conv?.id ?? '')).toMatchObject({ status: 'closed', outcome: 'huisarts', rating: 3, closedBy: 'helper' });

    // After the close the bot answers again.
    const after = await user.send({ text: 'طبيب العائلة' });
    expect((after.json.messages ?? []).length).toBeGreaterThan(0);

    const audit = (await app.wired.store.listAudit(50)).filter((a) => a.conversationId === conv?.id).map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['request', 'view', 'claim', 'reply', 'topic', 'note', 'close']));
    userEvents.close();
    convEvents.close();
    inboxEvents.close();
  });

  it('lets exactly one of two helpers win a claim race', async () => {
    await addHelper(app, { name: 'Samir', languages: ['ar'] });
    await addHelper(app, { name: 'Yonas', languages: ['ar', 'ti'] });
    const a = inboxClient(app.url);
    const b = inboxClient(app.url);
    await a.login('samir');
    await b.login('yonas');
    const user = await webUser(app, 'ar');
    await user.send({ choice: 'nav:person' });
    await user.send({ choice: 'hv:yes' });
    await user.send({ choice: 'hv:skip' });
    await user.send({ choice: 'hv:any' });
    await user.send({ choice: 'hv:skip' });
    const [conv] = await app.wired.store.listConversations({ status: ['waiting'] });
    const results = await Promise.all([a.post(`/helpers/c/${conv?.id}/claim`), b.post(`/helpers/c/${conv?.id}/claim`)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)?.json).toEqual({ ok: false, error: 'taken' });
    const winner = (await app.wired.store.getConversation(conv?.id ?? ''))?.helperId;
    const claims = (await app.wired.store.listAudit(100)).filter((x) => x.conversationId === conv?.id && x.action === 'claim');
    expect(claims.map((c) => c.helperId)).toEqual([winner]);
    // The loser cannot reply or even open it now that it is someone else's.
    const loser = results[0]?.status === 409 ? a : b;
    expect((await loser.post(`/helpers/c/${conv?.id}/reply`, { text: 'hallo' })).status).toBe(403);
    expect((await loser.get(`/helpers/api/c/${conv?.id}`, true)).status).toBe(403);
    // The winner transfers it to the colleague, who may now reply; then it goes back to the waiting list.
    const winnerClient = loser === a ? b : a;
    const loserId = (await app.wired.store.getHelperByLogin(loser === a ? 'samir' : 'yonas'))?.id;
    const colleagues = (await winnerClient.get(`/helpers/api/c/${conv?.id}`, true)).json.colleagues as { id: string }[];
    expect(colleagues.map((c) => c.id)).toContain(loserId);
    expect((await winnerClient.post(`/helpers/c/${conv?.id}/transfer`, { to: loserId })).status).toBe(200);
    expect((await winnerClient.post(`/helpers/c/${conv?.id}/reply`, { text: 'nog iets' })).status).toBe(403);
    expect((await loser.post(`/helpers/c/${conv?.id}/reply`, { text: 'مرحبا' })).status).toBe(200);
    expect((await loser.post(`/helpers/c/${conv?.id}/release`)).status).toBe(200);
    expect(await app.wired.store.getConversation(conv?.id ?? '')).toMatchObject({ status: 'waiting', helperId: null });
    const actions = (await app.wired.store.listAudit(100)).filter((x) => x.conversationId === conv?.id).map((x) => x.action);
    expect(actions).toEqual(expect.arrayContaining(['claim', 'transfer', 'reply', 'release']));
  });
});
