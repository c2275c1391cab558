/**
 * Contract of the retention part of the store (`purgeExpired`, `idleUsers`) and of forgetting dedupe keys. Runs
 * against SQLite, PostgreSQL (TEST_DATABASE_URL) and the in-memory fake.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HandoverStore } from '../../src/core/handover-port.ts';
import type { RetentionCutoffs, Store } from '../../src/core/ports.ts';
import { conversation } from './handover-contract.ts';

const cut = (over: Partial<RetentionCutoffs> = {}): RetentionCutoffs => ({ transcriptsBefore: 0, unmatchedBefore: 0, dedupeBefore: 0, ...over });

export function retentionContract(name: string, open: () => Promise<Store & HandoverStore>): void {
  describe(`retention contract: ${name}`, () => {
    let store: Store & HandoverStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('deletes transcript lines by age, and conversation lines only after their conversation closed', async () => {
      await store.appendTranscript({ userKey: 'u', at: 10, direction: 'out', topicId: 'old' });
      await store.appendTranscript({ userKey: 'u', at: 100, direction: 'out', topicId: 'new' });
      await store.createConversation(conversation({ id: 'open', status: 'active' }));
      await store.createConversation(conversation({ id: 'closed-late', status: 'closed', closedAt: 90 }));
      await store.createConversation(conversation({ id: 'closed-early', status: 'closed', closedAt: 20 }));
      for (const id of ['open', 'closed-late', 'closed-early', 'gone']) {
        await store.appendTranscript({ userKey: 'u', conversationId: id, at: 15, direction: 'in', text: id });
      }
      const n = await store.purgeExpired(cut({ transcriptsBefore: 50 }));
      expect(n.transcripts).toBe(3);
      const left = await store.listTranscript('u');
      expect(left.map((e) => e.topicId ?? e.text).sort()).toEqual(['closed-late', 'new', 'open']);
      expect((await store.purgeExpired(cut({ transcriptsBefore: 50 }))).transcripts).toBe(0);
    });

    it('deletes unmatched questions, dedupe keys, finished intake rows, outbound records and held messages by age', async () => {
      await store.recordUnmatched('ar', 'قديم', 10);
      await store.recordUnmatched('ar', 'جديد', 100);
      expect(await store.markProcessed('web:old', 10)).toBe(true);
      expect(await store.markProcessed('web:new', 100)).toBe(true);
      await store.intakeAdd({ channel: 'whatsapp', messageId: 'done-old', userKey: 'q', kind: 'in', payload: '{}', at: 10 });
      await store.intakeAdd({ channel: 'whatsapp', messageId: 'open-old', userKey: 'r', kind: 'in', payload: '{}', at: 10 });
      const [first] = await store.intakeClaim('whatsapp', 11, 10, 1);
      await store.intakeUpdate(first?.id ?? 0, { state: 'done' });
      await store.outboundRecord({ channel: 'whatsapp', messageId: 'out-old', userKey: 'q', payload: null, at: 10 });
      await store.outboundRecord({ channel: 'whatsapp', messageId: 'out-new', userKey: 'q', payload: null, at: 100 });
      await store.holdMessage('q', 'whatsapp', 'old', 10);
      await store.holdMessage('q', 'whatsapp', 'new', 100);

      const n = await store.purgeExpired({ transcriptsBefore: 50, unmatchedBefore: 50, dedupeBefore: 50 });
      expect(n).toMatchObject({ unmatched: 1, processed: 1, intake: 1, outbound: 1, held: 1 });
      expect(await store.topUnmatched(0, 10)).toEqual([{ locale: 'ar', text: 'جديد', count: 1 }]);
      expect(await store.markProcessed('web:old', 101)).toBe(true);
      expect(await store.markProcessed('web:new', 101)).toBe(false);
      expect(await store.intakeCounts('whatsapp')).toEqual({ new: 1, ready: 0, done: 0, failed: 0 });
      expect(await store.getOutbound('whatsapp', 'out-old')).toBeUndefined();
      expect(await store.getOutbound('whatsapp', 'out-new')).toBeDefined();
      expect((await store.listHeld('q', 'whatsapp')).map((h) => h.payload)).toEqual(['new']);
      // Idempotent: a second run with the same cut-offs finds nothing more.
      expect(await store.purgeExpired({ transcriptsBefore: 50, unmatchedBefore: 50, dedupeBefore: 50 })).toEqual({
        transcripts: 0,
        consents: 0,
        held: 0,
        unmatched: 0,
        processed: 0,
        intake: 0,
        outbound: 0,
        helperSessions: 0,
      });
    });

    it('deletes helper sessions and one-time links some days after they expired', async () => {
      await store.createHelperSession({ idHash: 'old', helperId: 'h1', csrf: 'c', createdAt: 1, expiresAt: 10 });
      await store.createHelperSession({ idHash: 'live', helperId: 'h1', csrf: 'c', createdAt: 1, expiresAt: 100 });
      await store.saveHelperToken('tok-old', 'h1', 'set-password', 10);
      await store.saveHelperToken('tok-live', 'h1', 'telegram-link', 100);
      expect((await store.purgeExpired(cut({ dedupeBefore: 50 }))).helperSessions).toBe(2);
      expect(await store.getHelperSession('live', 60)).toBeDefined();
      expect(await store.consumeHelperToken('tok-live', 'telegram-link', 60)).toBe('h1');
      expect(await store.consumeHelperToken('tok-old', 'set-password', 5)).toBeUndefined();
    });

    it('deletes consent records with their conversations, not before', async () => {
      await store.recordConsent({ userKey: 'refused', at: 10, version: 'v1', locale: 'ar', granted: false });
      await store.recordConsent({ userKey: 'talking', at: 10, version: 'v1', locale: 'ar', granted: true });
      await store.recordConsent({ userKey: 'recent', at: 100, version: 'v1', locale: 'ar', granted: true });
      await store.createConversation(conversation({ id: 'c-talking', userKey: 'talking', status: 'closed', closedAt: 60 }));
      expect((await store.purgeExpired(cut({ transcriptsBefore: 50 }))).consents).toBe(1);
      expect(await store.listConsents('refused')).toEqual([]);
      expect(await store.listConsents('talking')).toHaveLength(1);
      expect(await store.listConsents('recent')).toHaveLength(1);
      // Once the conversation is purged (N days after closing), its consent goes too.
      expect(await store.purgeConversations(70)).toBe(1);
      expect((await store.purgeExpired(cut({ transcriptsBefore: 70 }))).consents).toBe(1);
      expect(await store.listConsents('talking')).toEqual([]);
    });

    it('lists idle users: old sessions, or old addresses without a session, never with an open conversation', async () => {
      await store.saveSession({ userKey: 'idle', channel: 'web', data: '{}', updatedAt: 10 });
      await store.saveSession({ userKey: 'active', channel: 'web', data: '{}', updatedAt: 100 });
      await store.saveSession({ userKey: 'waiting', channel: 'web', data: '{}', updatedAt: 10 });
      await store.createConversation(conversation({ id: 'w', userKey: 'waiting', status: 'waiting' }));
      await store.saveAddress('orphan', 'telegram', '42', 10);
      await store.saveAddress('active', 'telegram', '43', 10);
      expect(await store.idleUsers(50, 10)).toEqual(['idle', 'orphan']);
      expect(await store.idleUsers(50, 1)).toEqual(['idle']);
      await store.forgetUser('idle');
      expect(await store.idleUsers(50, 10)).toEqual(['orphan']);
    });

    it('forgets dedupe keys linked to a user, and keeps the others', async () => {
      expect(await store.markProcessed('whatsapp:wamid.HBgLMTU1NTU1NTAxMDEV', 1, 'fz')).toBe(true);
      expect(await store.markProcessed('telegram:77', 1)).toBe(true);
      await store.forgetUser('fz');
      expect(await store.markProcessed('whatsapp:wamid.HBgLMTU1NTU1NTAxMDEV', 2, 'fz')).toBe(true);
      expect(await store.markProcessed('telegram:77', 2)).toBe(false);
    });
  });
}
