/**
 * Contract of the handover part of the store (conversations, messages, helpers, sessions, tokens, consent, audit,
 * timers) and of `forgetUser` for handover data. Runs against SQLite, PostgreSQL (TEST_DATABASE_URL) and the fake.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationRow, HandoverStore, HelperRow } from '../../src/core/handover-port.ts';
import type { Store } from '../../src/core/ports.ts';

export function conversation(over: Partial<ConversationRow> = {}): ConversationRow {
  return {
    id: 'c1',
    userKey: 'u1',
    channel: 'web',
    locale: 'ar',
    municipality: 'utrecht',
    province: 'utrecht',
    genderPreference: null,
    note: 'سؤال',
    priority: 'normal',
    status: 'waiting',
    helperId: null,
    createdAt: 1000,
    claimedAt: null,
    closedAt: null,
    updatedAt: 1000,
    outcome: null,
    closedBy: null,
    rating: null,
    consentVersion: 'v1/ar/abc',
    topics: [{ id: 'huisarts', version: '2026.11.0', revision: 'r1' }],
    contentVersion: '2026.11.0',
    selfCheck: null,
    ...over,
  };
}

export function helper(over: Partial<HelperRow> = {}): HelperRow {
  return {
    id: 'h1',
    login: 'amal',
    name: 'Amal',
    languages: ['ar', 'nl'],
    regions: ['utrecht'],
    coordinator: false,
    gender: 'woman',
    maxOpen: 3,
    schedule: 'mo-fr 09:00-17:00',
    active: true,
    passwordHash: null,
    telegramKey: null,
    createdAt: 1,
    ...over,
  };
}

export function handoverStoreContract(name: string, open: () => Promise<Store & HandoverStore>): void {
  describe(`handover store contract: ${name}`, () => {
    let store: Store & HandoverStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates, reads and lists conversations with their topics', async () => {
      await store.createConversation(conversation());
      await store.createConversation(conversation({ id: 'c2', userKey: 'u2', locale: 'ti', createdAt: 2000, status: 'closed' }));
      expect(await store.getConversation('c1')).toEqual(conversation());
      expect(await store.getConversation('nope')).toBeUndefined();
      expect((await store.openConversationFor('u1'))?.id).toBe('c1');
      expect(await store.openConversationFor('u2')).toBeUndefined();
      expect((await store.listConversations({ status: ['waiting'] })).map((c) => c.id)).toEqual(['c1']);
      expect((await store.listConversations({ sinceMs: 1500 })).map((c) => c.id)).toEqual(['c2']);
      expect((await store.listConversations({})).map((c) => c.id)).toEqual(['c1', 'c2']);
    });

    it('keeps shared self-check answers with the conversation, and none when not shared', async () => {
      const selfCheck = { questionnaire: 'protect', yes: 2, answers: { sleep: true, nightmares: false, headache: true } };
      await store.createConversation(conversation({ selfCheck }));
      await store.createConversation(conversation({ id: 'c2', userKey: 'u2' }));
      expect(await store.getConversation('c1')).toEqual(conversation({ selfCheck }));
      expect((await store.openConversationFor('u1'))?.selfCheck).toEqual(selfCheck);
      expect((await store.getConversation('c2'))?.selfCheck).toBeNull();
      expect((await store.listConversations({})).map((c) => c.selfCheck)).toEqual([selfCheck, null]);
      // Updates leave the answers alone.
      expect(await store.updateConversation('c1', { status: 'active', helperId: 'h1' })).toBe(true);
      expect((await store.getConversation('c1'))?.selfCheck).toEqual(selfCheck);
    });

    it('counts waiting and claimed conversations', async () => {
      expect(await store.conversationCounts()).toEqual({ waiting: 0, active: 0 });
      await store.createConversation(conversation());
      await store.createConversation(conversation({ id: 'c2', userKey: 'u2' }));
      await store.createConversation(conversation({ id: 'c3', userKey: 'u3', status: 'closed' }));
      await store.claimConversation('c2', 'h1', 5);
      expect(await store.conversationCounts()).toEqual({ waiting: 1, active: 1 });
    });

    it('lets exactly one of many concurrent claims win', async () => {
      await store.createConversation(conversation());
      const results = await Promise.all(['h1', 'h2', 'h3', 'h4'].map((h, i) => store.claimConversation('c1', h, 2000 + i)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const c = await store.getConversation('c1');
      expect(c?.status).toBe('active');
      expect(['h1', 'h2', 'h3', 'h4'][results.indexOf(true)]).toBe(c?.helperId);
      expect(await store.claimConversation('c1', 'h9', 3000)).toBe(false);
      expect((await store.listConversations({ helperId: c?.helperId ?? '' })).length).toBe(1);
    });

    it('updates conversations only in the expected status', async () => {
      await store.createConversation(conversation());
      expect(await store.updateConversation('c1', { status: 'closed', outcome: 'ggz', closedAt: 5, closedBy: 'helper' }, ['active'])).toBe(false);
      expect(await store.updateConversation('c1', { priority: 'crisis' })).toBe(true);
      expect(await store.updateConversation('c1', { status: 'expired', closedAt: 9, closedBy: 'timer' }, ['waiting'])).toBe(true);
      expect(await store.getConversation('c1')).toMatchObject({ status: 'expired', priority: 'crisis', closedAt: 9, closedBy: 'timer', outcome: null });
      expect(await store.updateConversation('c1', { rating: 3 })).toBe(true);
      expect((await store.getConversation('c1'))?.rating).toBe(3);
    });

    it('keeps messages in order with the content version, after a given id', async () => {
      await store.createConversation(conversation());
      const base = {
        conversationId: 'c1',
        helperId: null,
        mediaType: null,
        mediaRef: null,
        topicId: null,
        contentVersion: '2026.11.0',
        topicRevision: null,
        lang: 'ar',
      };
      const a = await store.appendMessage({ ...base, at: 1, sender: 'user', kind: 'text', text: '<img src=x onerror=alert(1)>' });
      const b = await store.appendMessage({
        ...base,
        at: 2,
        sender: 'helper',
        helperId: 'h1',
        kind: 'topic',
        text: null,
        topicId: 'huisarts',
        topicRevision: 'r2',
      });
      const c = await store.appendMessage({ ...base, at: 3, sender: 'user', kind: 'media', text: null, mediaType: 'voice', mediaRef: 'file-1' });
      expect(b).toBeGreaterThan(a);
      const all = await store.listMessages('c1');
      expect(all.map((m) => m.id)).toEqual([a, b, c]);
      expect(all[0]?.text).toBe('<img src=x onerror=alert(1)>');
      expect(all[1]).toMatchObject({ topicId: 'huisarts', contentVersion: '2026.11.0', topicRevision: 'r2', helperId: 'h1' });
      expect(all[2]).toMatchObject({ mediaType: 'voice', mediaRef: 'file-1' });
      expect((await store.listMessages('c1', b)).map((m) => m.id)).toEqual([c]);
    });

    it('stores helpers and finds them by login; logins are unique', async () => {
      await store.createHelper(helper());
      expect(await store.getHelper('h1')).toEqual(helper());
      expect((await store.getHelperByLogin('amal'))?.id).toBe('h1');
      await expect(store.createHelper(helper({ id: 'h2' }))).rejects.toThrow();
      expect(await store.updateHelper('h1', { schedule: 'sa 10:00-12:00', coordinator: true, regions: ['*'], telegramKey: 'tk' })).toBe(true);
      expect(await store.getHelper('h1')).toMatchObject({ schedule: 'sa 10:00-12:00', coordinator: true, regions: ['*'], telegramKey: 'tk' });
      expect((await store.listHelpers()).map((h) => h.id)).toEqual(['h1']);
    });

    it('consumes one-time tokens once and refuses expired ones', async () => {
      await store.saveHelperToken('t1', 'h1', 'set-password', 100);
      expect(await store.consumeHelperToken('t1', 'telegram-link', 50)).toBeUndefined();
      const both = await Promise.all([store.consumeHelperToken('t1', 'set-password', 50), store.consumeHelperToken('t1', 'set-password', 50)]);
      expect(both.filter(Boolean)).toEqual(['h1']);
      await store.saveHelperToken('t2', 'h1', 'set-password', 100);
      expect(await store.consumeHelperToken('t2', 'set-password', 200)).toBeUndefined();
      await store.saveHelperToken('t3', 'h1', 'set-password', 100);
      await store.saveHelperToken('t4', 'h1', 'set-password', 100);
      expect(await store.consumeHelperToken('t3', 'set-password', 50)).toBeUndefined();
    });

    it('keeps helper sessions until they expire or are deleted', async () => {
      await store.createHelperSession({ idHash: 's1', helperId: 'h1', csrf: 'c', createdAt: 1, expiresAt: 100 });
      expect(await store.getHelperSession('s1', 50)).toMatchObject({ helperId: 'h1', csrf: 'c' });
      expect(await store.getHelperSession('s1', 100)).toBeUndefined();
      await store.deleteHelperSession('s1');
      expect(await store.getHelperSession('s1', 50)).toBeUndefined();
    });

    it('lists the audit log newest first', async () => {
      await store.appendAudit({ at: 1, helperId: 'h1', action: 'claim', conversationId: 'c1', detail: null });
      await store.appendAudit({ at: 2, helperId: 'h1', action: 'close', conversationId: 'c1', detail: 'ggz' });
      expect((await store.listAudit(10)).map((a) => a.action)).toEqual(['close', 'claim']);
      expect(await store.listAudit(1)).toEqual([{ at: 2, helperId: 'h1', action: 'close', conversationId: 'c1', detail: 'ggz' }]);
    });

    it('leases due timers to one runner and moves rescheduled ones', async () => {
      await store.scheduleTimer({ id: 'c1:update', conversationId: 'c1', kind: 'update', dueAt: 100 });
      await store.scheduleTimer({ id: 'c1:expire', conversationId: 'c1', kind: 'expire', dueAt: 500 });
      expect((await store.dueTimers(99, 10)).length).toBe(0);
      expect((await store.dueTimers(100, 10)).map((t) => t.id)).toEqual(['c1:update']);
      const takes = await Promise.all([store.takeTimer('c1:update', 100, 1000), store.takeTimer('c1:update', 100, 1000)]);
      expect(takes.filter(Boolean)).toHaveLength(1);
      expect(await store.dueTimers(200, 10)).toEqual([]);
      expect((await store.dueTimers(1200, 10)).map((t) => t.id)).toEqual(['c1:update', 'c1:expire']);
      await store.completeTimer('c1:update');
      expect((await store.dueTimers(1200, 10)).map((t) => t.id)).toEqual(['c1:expire']);
      await store.scheduleTimer({ id: 'c1:expire', conversationId: 'c1', kind: 'expire', dueAt: 5000 });
      expect(await store.dueTimers(1200, 10)).toEqual([]);
      await store.cancelTimers('c1');
      expect(await store.dueTimers(9999, 10)).toEqual([]);
    });

    it('forgets a user: conversations, messages, timers and consent, leaving a neutral audit trace', async () => {
      await store.createConversation(
        conversation({ status: 'active', helperId: 'h1', selfCheck: { questionnaire: 'protect', yes: 1, answers: { sleep: true, fear: false } } }),
      );
      await store.createConversation(conversation({ id: 'keep', userKey: 'other' }));
      await store.appendMessage({
        conversationId: 'c1',
        at: 1,
        sender: 'user',
        helperId: null,
        kind: 'text',
        text: 'geheim',
        mediaType: null,
        mediaRef: null,
        topicId: null,
        contentVersion: null,
        topicRevision: null,
        lang: 'ar',
      });
      await store.scheduleTimer({ id: 'c1:expire', conversationId: 'c1', kind: 'expire', dueAt: 5 });
      await store.recordConsent({ userKey: 'u1', at: 1, version: 'v1/ar/abc', locale: 'ar', granted: true });
      await store.createHelper(helper({ telegramKey: 'u1' }));
      expect(await store.listConsents('u1')).toHaveLength(1);
      await store.forgetUser('u1');
      expect(await store.getConversation('c1')).toBeUndefined();
      // The shared self-check answers went with the conversation.
      expect((await store.listConversations({})).filter((c) => c.selfCheck !== null)).toEqual([]);
      expect(await store.listMessages('c1')).toEqual([]);
      expect(await store.dueTimers(10, 10)).toEqual([]);
      expect(await store.listConsents('u1')).toEqual([]);
      expect((await store.getHelper('h1'))?.telegramKey).toBeNull();
      expect(await store.getConversation('keep')).toBeDefined();
      const trace = (await store.listAudit(5))[0];
      expect(trace).toMatchObject({ action: 'forgotten', conversationId: 'c1', helperId: 'h1', detail: null });
    });

    it('purges old closed conversations but keeps their statistics', async () => {
      const selfCheck = { questionnaire: 'protect', yes: 1, answers: { sleep: true, fear: false } };
      await store.createConversation(conversation({ status: 'closed', closedAt: 10, outcome: 'information', selfCheck }));
      await store.createConversation(conversation({ id: 'c2', status: 'closed', closedAt: 100, selfCheck }));
      await store.appendMessage({
        conversationId: 'c1',
        at: 1,
        sender: 'user',
        helperId: null,
        kind: 'text',
        text: 'x',
        mediaType: null,
        mediaRef: null,
        topicId: null,
        contentVersion: null,
        topicRevision: null,
        lang: 'ar',
      });
      expect(await store.purgeConversations(50)).toBe(1);
      expect(await store.listMessages('c1')).toEqual([]);
      expect(await store.getConversation('c1')).toMatchObject({ userKey: null, note: null, outcome: 'information', topics: [], selfCheck: null });
      expect(await store.getConversation('c2')).toMatchObject({ userKey: 'u1', selfCheck });
    });
  });
}
