/**
 * The store contract: every Store implementation must pass this suite (SQLite always, PostgreSQL when
 * TEST_DATABASE_URL is set).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.ts';

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('saves, reads, overwrites and deletes sessions', async () => {
      expect(await store.getSession('u1')).toBeUndefined();
      await store.saveSession({ userKey: 'u1', channel: 'web', data: '{"a":1}', updatedAt: 10 });
      expect(await store.getSession('u1')).toEqual({ userKey: 'u1', channel: 'web', data: '{"a":1}', updatedAt: 10 });
      await store.saveSession({ userKey: 'u1', channel: 'telegram', data: '{"a":2}', updatedAt: 20 });
      expect((await store.getSession('u1'))?.data).toBe('{"a":2}');
      expect((await store.getSession('u1'))?.channel).toBe('telegram');
      await store.deleteSession('u1');
      expect(await store.getSession('u1')).toBeUndefined();
    });

    it('keeps Unicode session data intact', async () => {
      const data = JSON.stringify({ t: 'طبيب العائلة · ትግርኛ · می‌خواهم · Українська' });
      await store.saveSession({ userKey: 'u2', channel: 'web', data, updatedAt: 1 });
      expect((await store.getSession('u2'))?.data).toBe(data);
    });

    it('marks a processed message id once', async () => {
      expect(await store.markProcessed('telegram:1', 1)).toBe(true);
      expect(await store.markProcessed('telegram:1', 2)).toBe(false);
      expect(await store.markProcessed('telegram:2', 2)).toBe(true);
    });

    it('marks concurrently submitted duplicates exactly once', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => store.markProcessed('wa:x', 1)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('appends and lists transcripts in order with content versions', async () => {
      await store.appendTranscript({ userKey: 'u3', at: 1, direction: 'out', topicId: 'huisarts', contentVersion: '2026.11.0', topicRevision: 'abc' });
      await store.appendTranscript({ userKey: 'u3', at: 2, direction: 'in', text: 'hallo' });
      await store.appendTranscript({ userKey: 'other', at: 3, direction: 'in', text: 'x' });
      const t = await store.listTranscript('u3');
      expect(t.map((e) => e.direction)).toEqual(['out', 'in']);
      expect(t[0]).toMatchObject({ topicId: 'huisarts', contentVersion: '2026.11.0', topicRevision: 'abc' });
      expect(t[1]?.text).toBe('hallo');
    });

    it('records unmatched questions without identifiers and ranks them', async () => {
      await store.recordUnmatched('ar', 'سؤال', 100);
      await store.recordUnmatched('ar', 'سؤال', 101);
      await store.recordUnmatched('ar', 'آخر', 102);
      await store.recordUnmatched('nl', 'oud', 1);
      const top = await store.topUnmatched(50, 10);
      expect(top).toEqual([
        { locale: 'ar', text: 'سؤال', count: 2 },
        { locale: 'ar', text: 'آخر', count: 1 },
      ]);
      expect(await store.topUnmatched(0, 1)).toHaveLength(2);
    });

    it('counts per day without identifiers', async () => {
      const day = Date.UTC(2026, 10, 20, 12);
      await store.incrementCounter('crisis', 'ar', day);
      await store.incrementCounter('crisis', 'ar', day + 1000);
      await store.incrementCounter('crisis', 'ti', day + 86_400_000);
      expect(await store.counters('crisis', day - 86_400_000)).toEqual([
        { key: 'ar', day: '2026-11-20', count: 2 },
        { key: 'ti', day: '2026-11-21', count: 1 },
      ]);
    });

    it('saves the latest reply address, also when the same one is saved again and again', async () => {
      await store.saveAddress('a1', 'telegram', '111', 1);
      await store.saveAddress('a1', 'telegram', '111', 2);
      await store.saveAddress('a1', 'telegram', '222', 3);
      expect(await store.getAddress('a1')).toEqual({ channel: 'telegram', address: '222' });
      await store.saveAddress('a1', 'whatsapp', '222', 4);
      expect(await store.getAddress('a1')).toEqual({ channel: 'whatsapp', address: '222' });
      await store.forgetUser('a1');
      await store.saveAddress('a1', 'whatsapp', '222', 5);
      expect(await store.getAddress('a1')).toEqual({ channel: 'whatsapp', address: '222' });
    });

    it('keeps reply addresses apart and forgets everything about a user', async () => {
      await store.saveSession({ userKey: 'f1', channel: 'telegram', data: '{}', updatedAt: 1 });
      await store.saveAddress('f1', 'telegram', '12345', 1);
      await store.appendTranscript({ userKey: 'f1', at: 1, direction: 'in', text: 'geheim' });
      await store.saveSession({ userKey: 'keep', channel: 'web', data: '{}', updatedAt: 1 });
      expect(await store.getAddress('f1')).toEqual({ channel: 'telegram', address: '12345' });
      await store.forgetUser('f1');
      expect(await store.getSession('f1')).toBeUndefined();
      expect(await store.getAddress('f1')).toBeUndefined();
      expect(await store.listTranscript('f1')).toEqual([]);
      expect(await store.getSession('keep')).toBeDefined();
    });

    it('intake: stores a message id once per channel, also under concurrent redelivery', async () => {
      const add = (messageId: string, channel: 'whatsapp' | 'telegram' = 'whatsapp') =>
        store.intakeAdd({ channel, messageId, userKey: 'q1', kind: 'in', payload: '{"kind":"text","text":"مرحبا ሰላም"}', at: 5 });
      expect(await add('wamid.1')).toBe(true);
      expect(await add('wamid.1')).toBe(false);
      expect(await add('wamid.1', 'telegram')).toBe(true);
      const results = await Promise.all(Array.from({ length: 8 }, () => add('wamid.2')));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.intakeCounts('whatsapp')).toEqual({ new: 2, ready: 0, done: 0, failed: 0 });
      const [first] = await store.intakeClaim('whatsapp', 10, 1000, 10);
      expect(first).toMatchObject({ messageId: 'wamid.1', userKey: 'q1', kind: 'in', state: 'new', sent: 0, attempts: 0, outbound: null, receivedAt: 5 });
      expect(first?.payload).toBe('{"kind":"text","text":"مرحبا ሰላም"}');
    });

    it('intake: claims per user in order, one row per user, under a lease', async () => {
      const rows = [
        ['a1', 'A'],
        ['b1', 'B'],
        ['a2', 'A'],
        ['b2', 'B'],
        ['c1', 'C'],
      ] as const;
      for (const [id, user] of rows) {
        await store.intakeAdd({ channel: 'whatsapp', messageId: id, userKey: user, kind: 'in', payload: '{}', at: 1 });
      }
      const first = await store.intakeClaim('whatsapp', 10, 100, 10);
      expect(first.map((i) => i.messageId)).toEqual(['a1', 'b1', 'c1']);
      expect(await store.intakeClaim('whatsapp', 20, 100, 10)).toEqual([]);
      const a1 = first[0];
      if (!a1) throw new Error('claim');
      await store.intakeUpdate(a1.id, { state: 'done' });
      expect((await store.intakeClaim('whatsapp', 30, 100, 10)).map((i) => i.messageId)).toEqual(['a2']);
      // The leases of b1 and c1 (claimed at 10 for 100 ms) expire: a crashed worker's rows are claimed again.
      expect((await store.intakeClaim('whatsapp', 111, 100, 10)).map((i) => i.messageId)).toEqual(['b1', 'c1']);
    });

    it('intake: keeps progress, defers, releases and clears finished rows', async () => {
      await store.intakeAdd({ channel: 'whatsapp', messageId: 'p1', userKey: 'P', kind: 'push', payload: '[1]', at: 1 });
      await store.intakeAdd({ channel: 'whatsapp', messageId: 'p2', userKey: 'P', kind: 'push', payload: '[2]', at: 2 });
      const [p1] = await store.intakeClaim('whatsapp', 5, 1000, 1);
      if (!p1) throw new Error('claim');
      await store.intakeUpdate(p1.id, { state: 'ready', outbound: '["x","y"]', sent: 1, attempts: 1, notBefore: 500, release: true });
      expect(await store.intakeClaim('whatsapp', 10, 1000, 5)).toEqual([]);
      const [again] = await store.intakeClaim('whatsapp', 500, 1000, 5);
      expect(again).toMatchObject({ messageId: 'p1', state: 'ready', outbound: '["x","y"]', sent: 1, attempts: 1, notBefore: 500 });
      await store.intakeUpdate(p1.id, { state: 'done' });
      expect(await store.intakeCounts('whatsapp')).toEqual({ new: 1, ready: 0, done: 1, failed: 0 });
      const [p2] = await store.intakeClaim('whatsapp', 600, 1000, 5);
      expect(p2?.messageId).toBe('p2');
      await store.intakeUpdate(p2?.id ?? 0, { state: 'failed' });
      expect(await store.intakeAdd({ channel: 'whatsapp', messageId: 'p1', userKey: 'P', kind: 'push', payload: '[1]', at: 9 })).toBe(false);
      expect(await store.intakePrune('whatsapp', 2)).toBe(1);
      expect(await store.intakeCounts('whatsapp')).toEqual({ new: 0, ready: 0, done: 0, failed: 1 });
    });

    it('outbound records: statuses never go back, failed wins, payload kept until delivered', async () => {
      await store.outboundRecord({ channel: 'whatsapp', messageId: 'w1', userKey: 'o1', payload: '{"type":"text"}', at: 1 });
      expect(await store.getOutbound('whatsapp', 'w1')).toMatchObject({ status: 'sent', payload: '{"type":"text"}', userKey: 'o1', createdAt: 1 });
      expect((await store.outboundStatus('whatsapp', 'w1', 'read', 3))?.status).toBe('read');
      expect(await store.outboundStatus('whatsapp', 'w1', 'delivered', 4)).toMatchObject({ status: 'read', payload: null, updatedAt: 3 });
      await store.outboundRecord({ channel: 'whatsapp', messageId: 'w2', userKey: 'o1', payload: '{"type":"text"}', at: 1 });
      const failed = await store.outboundStatus('whatsapp', 'w2', 'failed', 5, '131047');
      expect(failed).toMatchObject({ status: 'failed', errorCode: '131047', payload: '{"type":"text"}' });
      expect(await store.outboundStatus('whatsapp', 'nope', 'delivered', 5)).toBeUndefined();
    });

    it('contact times only move forward; held messages come back in order and can be deleted', async () => {
      expect(await store.contactTimes('h1', 'whatsapp')).toBeUndefined();
      await store.contactNote('h1', 'whatsapp', 'inbound', 100);
      await store.contactNote('h1', 'whatsapp', 'inbound', 50);
      expect(await store.contactTimes('h1', 'whatsapp')).toEqual({ lastInboundAt: 100, templateAt: null });
      await store.contactNote('h1', 'whatsapp', 'template', 200);
      expect(await store.contactTimes('h1', 'whatsapp')).toEqual({ lastInboundAt: 100, templateAt: 200 });
      await store.holdMessage('h1', 'whatsapp', 'second', 20);
      await store.holdMessage('h1', 'whatsapp', 'first', 10);
      await store.holdMessage('h1', 'whatsapp', 'third', 20);
      await store.holdMessage('other', 'whatsapp', 'x', 1);
      const held = await store.listHeld('h1', 'whatsapp');
      expect(held.map((h) => h.payload)).toEqual(['first', 'second', 'third']);
      await store.deleteHeld(held.slice(0, 2).map((h) => h.id));
      expect((await store.listHeld('h1', 'whatsapp')).map((h) => h.payload)).toEqual(['third']);
    });

    it('forgetting a user removes intake traces but keeps unprocessed messages', async () => {
      await store.intakeAdd({ channel: 'whatsapp', messageId: 'f-done', userKey: 'fz', kind: 'in', payload: '{}', at: 1 });
      await store.intakeAdd({ channel: 'whatsapp', messageId: 'f-new', userKey: 'fz', kind: 'in', payload: '{}', at: 2 });
      const [done] = await store.intakeClaim('whatsapp', 3, 10, 1);
      await store.intakeUpdate(done?.id ?? 0, { state: 'done' });
      await store.outboundRecord({ channel: 'whatsapp', messageId: 'fw', userKey: 'fz', payload: null, at: 1 });
      await store.contactNote('fz', 'whatsapp', 'inbound', 1);
      await store.holdMessage('fz', 'whatsapp', 'x', 1);
      await store.forgetUser('fz');
      expect(await store.getOutbound('whatsapp', 'fw')).toBeUndefined();
      expect(await store.contactTimes('fz', 'whatsapp')).toBeUndefined();
      expect(await store.listHeld('fz', 'whatsapp')).toEqual([]);
      expect(await store.intakeCounts('whatsapp')).toEqual({ new: 1, ready: 0, done: 0, failed: 0 });
    });

    it('claims a periodic job once per period', async () => {
      const day = 86_400_000;
      expect(await store.claimJob('retention', day, 1_000, 'a')).toBe(true);
      expect(await store.claimJob('retention', day, 1_000, 'b')).toBe(false);
      expect(await store.claimJob('retention', day, 1_000 + day - 1, 'b')).toBe(false);
      expect(await store.claimJob('other', day, 1_000, 'b')).toBe(true);
      expect(await store.claimJob('retention', day, 1_000 + day, 'b')).toBe(true);
      expect(await store.claimJob('retention', day, 1_000 + day + 5, 'a')).toBe(false);
      // A clock that went backwards never wins early.
      expect(await store.claimJob('retention', day, 0, 'a')).toBe(false);
    });

    it('claims a periodic job exactly once under concurrent callers', async () => {
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => store.claimJob('race', 60_000, 5_000 + (i % 3), `owner-${i}`)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const later = await Promise.all(Array.from({ length: 12 }, (_, i) => store.claimJob('race', 60_000, 70_000 + i, `owner-${i}`)));
      expect(later.filter(Boolean)).toHaveLength(1);
    });

    it('answers ping', async () => {
      expect(await store.ping()).toBe(true);
    });
  });
}
