/**
 * The retention purge under a fake clock, on real SQLite files (and PostgreSQL when TEST_DATABASE_URL is set):
 * what goes when, idempotence, one run per day across instances, and a whole conversation aged out of the wired app
 * leaving only anonymous counters and statistics.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Inbound } from '../../src/core/messages.ts';
import { createRetentionJob, DAY_MS, type RetentionConfig } from '../../src/privacy/retention.ts';
import { openStore } from '../../src/storage/index.ts';
import type { SqlStore } from '../../src/storage/sql-store.ts';
import { CONTENT_DIR, fakeClock, MONDAY_10 } from '../handover/support.ts';
import { startApp } from '../helpers/app.ts';
import { captureLogger } from '../helpers/engine.ts';
import { dropPgSchema, pgSchemaName } from '../helpers/pg.ts';
import { conversation } from '../storage/handover-contract.ts';
import { scanDatabase } from './scan-db.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const CONFIG: RetentionConfig = { transcriptDays: 30, sessionDays: 90, unansweredDays: 60, dedupeDays: 7 };

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wegwijs-retention-'));
  dirs.push(d);
  return d;
}

type Open = () => Promise<{ a: SqlStore; b: SqlStore }>;
const backends: [string, Open][] = [
  [
    'sqlite file',
    async () => {
      const dir = tempDir();
      return { a: await openStore({ dataDir: dir }), b: await openStore({ dataDir: dir }) };
    },
  ],
];
const pgUrl = process.env.TEST_DATABASE_URL;
if (pgUrl) {
  // Two stores on one schema (two instances); every schema made here is dropped again after the file.
  const schemas: string[] = [];
  afterAll(async () => {
    for (const s of schemas.splice(0)) await dropPgSchema(s, pgUrl);
  });
  backends.push([
    'postgres',
    async () => {
      const schema = pgSchemaName('r');
      schemas.push(schema);
      return { a: await openStore({ databaseUrl: pgUrl, dataDir: '', schema }), b: await openStore({ databaseUrl: pgUrl, dataDir: '', schema }) };
    },
  ]);
}

describe.each(backends)('retention job (%s)', (_name, open) => {
  it('deletes each kind of data on its own schedule, and a second run finds nothing', async () => {
    const { a: store, b } = await open();
    await b.close();
    const clock = fakeClock(MONDAY_10);
    const logger = captureLogger();
    const job = createRetentionJob({ store, clock, logger, config: CONFIG });
    const t0 = clock.t;
    // Day 0: a user reads a topic, asks something unanswered, talks to a sleutelpersoon; an intake row finishes.
    await store.saveSession({ userKey: 'idle', channel: 'telegram', data: '{}', updatedAt: t0 });
    await store.saveAddress('idle', 'telegram', '424242', t0);
    await store.appendTranscript({ userKey: 'idle', at: t0, direction: 'out', topicId: 'huisarts' });
    await store.recordUnmatched('ar', 'سؤال بلا جواب', t0);
    await store.markProcessed('telegram:1', t0, 'idle');
    await store.intakeAdd({ channel: 'whatsapp', messageId: 'wamid.A', userKey: 'wa', kind: 'in', payload: '{"text":"x"}', at: t0 });
    const [row] = await store.intakeClaim('whatsapp', t0, 1000, 1);
    await store.intakeUpdate(row?.id ?? 0, { state: 'done' });
    await store.recordConsent({ userKey: 'idle', at: t0, version: 'v1', locale: 'ar', granted: true });
    const selfCheck = { questionnaire: 'protect', yes: 2, answers: { sleep: true, fear: true, anger: false } };
    await store.createConversation(
      conversation({ id: 'c1', userKey: 'idle', status: 'closed', closedAt: t0 + 2 * DAY_MS, createdAt: t0, updatedAt: t0, selfCheck }),
    );
    await store.appendMessage({
      conversationId: 'c1',
      at: t0,
      sender: 'user',
      helperId: null,
      kind: 'text',
      text: 'رسالة خاصة',
      mediaType: null,
      mediaRef: null,
      topicId: null,
      contentVersion: null,
      topicRevision: null,
      lang: 'ar',
    });
    await store.incrementCounter('topic_view', 'huisarts|ar|2026.11.0', t0);

    clock.advance(6 * DAY_MS);
    expect(await job.runOnce()).toMatchObject({ processed: 0, intake: 0, transcripts: 0, conversations: 0, idleUsers: 0 });

    clock.advance(2 * DAY_MS); // day 8: redelivery protection is gone
    expect(await job.runOnce()).toMatchObject({ processed: 1, intake: 1, transcripts: 0 });
    expect(await store.markProcessed('telegram:1', clock.t)).toBe(true);

    clock.advance(23 * DAY_MS); // day 31: transcript line gone; the conversation closed on day 2 is kept until day 32
    expect(await job.runOnce()).toMatchObject({ transcripts: 1, conversations: 0, consents: 0 });
    expect(await store.listTranscript('idle')).toEqual([]);
    expect((await store.listMessages('c1')).length).toBe(1);
    expect((await store.getConversation('c1'))?.selfCheck).toEqual(selfCheck);

    clock.advance(1 * DAY_MS + 1); // day 32: the conversation is anonymised, its messages and the consent are deleted
    expect(await job.runOnce()).toMatchObject({ conversations: 1, consents: 1 });
    expect(await store.listMessages('c1')).toEqual([]);
    // Shared self-check answers go with the note and topics.
    expect(await store.getConversation('c1')).toMatchObject({ userKey: null, note: null, topics: [], selfCheck: null, status: 'closed' });
    expect(await store.listConsents('idle')).toEqual([]);
    expect(await store.getSession('idle')).toBeDefined();

    clock.advance(29 * DAY_MS); // day 61: unanswered question texts gone
    expect(await job.runOnce()).toMatchObject({ unmatched: 1, idleUsers: 0 });
    expect(await store.topUnmatched(0, 10)).toEqual([]);

    clock.advance(30 * DAY_MS); // day 91: the idle user is forgotten completely
    expect(await job.runOnce()).toMatchObject({ idleUsers: 1 });
    expect(await store.getSession('idle')).toBeUndefined();
    expect(await store.getAddress('idle')).toBeUndefined();

    // Idempotent: nothing left to do.
    const again = await job.runOnce();
    expect(Object.values(again).every((v) => v === 0)).toBe(true);
    // Aggregate counters are kept.
    expect(await store.counters('topic_view', 0)).toEqual([{ key: 'huisarts|ar|2026.11.0', day: '2026-11-23', count: 1 }]);
    // The log says how many rows went, nothing else.
    const done = logger.lines.filter((l) => (l.obj as { event?: string }).event === 'retention_done');
    expect(done).toHaveLength(7);
    expect(JSON.stringify(done)).not.toMatch(/"idle"|424242|سؤال|رسالة/);
    await store.close();
  });

  it('keeps a user with a waiting or active conversation until it is closed', async () => {
    const { a: store, b } = await open();
    await b.close();
    const clock = fakeClock(MONDAY_10);
    const job = createRetentionJob({ store, clock, logger: captureLogger(), config: CONFIG });
    await store.saveSession({ userKey: 'talking', channel: 'web', data: '{}', updatedAt: clock.t });
    await store.createConversation(conversation({ id: 'open', userKey: 'talking', status: 'active', createdAt: clock.t, updatedAt: clock.t }));
    clock.advance(100 * DAY_MS);
    expect((await job.runOnce()).idleUsers).toBe(0);
    expect(await store.getSession('talking')).toBeDefined();
    await store.updateConversation('open', { status: 'closed', closedAt: clock.t });
    expect((await job.runOnce()).idleUsers).toBe(1);
    expect(await store.getSession('talking')).toBeUndefined();
    expect(await store.getConversation('open')).toBeUndefined();
    await store.close();
  });

  it('runs once per day across instances sharing the database', async () => {
    const { a, b } = await open();
    const clock = fakeClock(MONDAY_10);
    const logs = [captureLogger(), captureLogger()];
    const jobs = [
      createRetentionJob({ store: a, clock, logger: logs[0] ?? captureLogger(), config: CONFIG, owner: 'a' }),
      createRetentionJob({ store: b, clock, logger: logs[1] ?? captureLogger(), config: CONFIG, owner: 'b' }),
    ];
    const ran = async () => (await Promise.all(jobs.flatMap((j) => [j.runIfDue(), j.runIfDue()]))).filter((r) => r !== null).length;
    expect(await ran()).toBe(1);
    clock.advance(DAY_MS - 1);
    expect(await ran()).toBe(0);
    clock.advance(1);
    expect(await ran()).toBe(1);
    const owner = await a.db.query<{ owner: string; last_run: number | string }>('SELECT owner, last_run FROM jobs WHERE name = ?', ['retention']);
    expect(['a', 'b']).toContain(owner[0]?.owner);
    expect(Number(owner[0]?.last_run)).toBe(clock.t);

    // The schedule: both instances check often; over three days exactly three runs happen.
    const runs = () => logs.flatMap((l) => l.lines).filter((l) => (l.obj as { event?: string }).event === 'retention_done').length;
    const before = runs();
    const scheduled = [a, b].map((store, i) =>
      createRetentionJob({ store, clock, logger: logs[i] ?? captureLogger(), config: CONFIG, owner: `s${i}`, checkEveryMs: 5 }),
    );
    for (const j of scheduled) j.start();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    for (let d = 1; d <= 3; d++) {
      clock.advance(DAY_MS);
      for (let waited = 0; runs() - before < d && waited < 5_000; waited += 5) await sleep(5);
      await sleep(40); // both instances keep checking: a second run that day would show up here
      expect(runs() - before).toBe(d);
    }
    for (const j of scheduled) await j.stop();
    await a.close();
    await b.close();
  });
});

describe('retention in the wired app', () => {
  it('ages a whole conversation out: after the session period nothing linkable remains, counters stay anonymous', async () => {
    const clock = fakeClock(MONDAY_10);
    const app = await startApp(
      { CONTENT_DIR, CONTENT_WATCH: 'false', RETENTION_TRANSCRIPT_DAYS: '12', RETENTION_SESSION_DAYS: '34', RETENTION_UNANSWERED_DAYS: '56' },
      { clock },
    );
    try {
      const { wired } = app;
      const userKey = 'web-user-key-for-retention-test';
      let n = 0;
      const send = (p: Record<string, unknown>) => wired.engine.handle({ channel: 'web', userKey, messageId: `r${n++}`, ...p } as Inbound);
      const { helper } = await wired.handover.accounts.add({ name: 'Amal', languages: ['ar'], regions: ['*'], schedule: 'mo-su 00:00-24:00' });
      await send({ kind: 'choice', id: 'lang:ar' });
      await send({ kind: 'text', text: 'طبيب العائلة' });
      await send({ kind: 'text', text: 'كيف أجد مكانا لكلبي الأزرق' });
      await send({ kind: 'text', text: 'أريد أن أموت' });
      await send({ kind: 'choice', id: 'nav:person' });
      await send({ kind: 'choice', id: 'hv:yes' });
      await send({ kind: 'choice', id: 'hv:skip' });
      await send({ kind: 'choice', id: 'hv:any' });
      await send({ kind: 'text', text: 'ملاحظة سرية جدا' });
      const conv = await wired.store.openConversationFor(userKey);
      if (!conv) throw new Error('no conversation');
      await wired.handover.helpers.claim(helper, conv.id);
      await wired.handover.helpers.reply(helper, conv.id, 'رد المساعدة الخاص');
      await send({ kind: 'text', text: 'شكرا على الرد الخاص' });
      await wired.handover.helpers.close(helper, conv.id, 'information');
      await send({ kind: 'choice', id: 'nav:menu' });

      const texts = ['كيف أجد مكانا لكلبي الأزرق', 'ملاحظة سرية جدا', 'رد المساعدة الخاص', 'شكرا على الرد الخاص'];
      const scan = () => scanDatabase(wired.store.db, { ids: [userKey], texts, allowText: [{ table: 'unmatched', column: 'text' }] });
      expect((await scan()).hits.length).toBeGreaterThan(5);

      clock.advance(13 * DAY_MS);
      const first = await wired.retention.runOnce();
      expect(first).toMatchObject({ conversations: 1, consents: 1 });
      expect(first.transcripts).toBeGreaterThan(0);
      // 13 days in, only the session itself still points at the user (it lives until the user is idle for 34 days).
      const mid = await scan();
      expect([...new Set(mid.hits.map((h) => `${h.table}.${h.column}`))]).toEqual(['sessions.user_key']);

      clock.advance(22 * DAY_MS); // day 35: idle for 34 days
      expect((await wired.retention.runOnce()).idleUsers).toBe(1);
      const after = await scan();
      expect(after.hits).toEqual([]);
      expect(after.tables).toEqual(expect.arrayContaining(['sessions', 'transcripts', 'handover_conversations', 'counters', 'unmatched', 'jobs']));
      // The anonymous question stays until its own period ends.
      expect((await wired.store.topUnmatched(0, 10)).map((u) => u.text)).toContain('كيف أجد مكانا لكلبي الأزرق');
      clock.advance(22 * DAY_MS); // day 57
      await wired.retention.runOnce();
      expect(await wired.store.topUnmatched(0, 10)).toEqual([]);

      // Counters stay, and no counter key carries a user key or any other identifier.
      const counters = await wired.store.db.query<{ name: string; key: string }>('SELECT name, key FROM counters');
      expect(counters.map((c) => c.name)).toEqual(expect.arrayContaining(['topic_view', 'crisis', 'match']));
      for (const c of counters) {
        expect(c.key).not.toContain(userKey);
        expect(c.key).toMatch(/^[\w.|-]+$/);
      }
      // The conversation's statistics stay without a user key.
      expect(await wired.store.getConversation(conv.id)).toMatchObject({ userKey: null, note: null, outcome: 'information' });
    } finally {
      await app.stop();
    }
  });
});
