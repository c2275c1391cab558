import { afterEach, describe, expect, it } from 'vitest';
import { messageText } from '../../helpers/fake-graph.ts';
import { type Harness, startHarness, USER_A, USER_B, userKeyOf } from './harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const choose = (id: string, from = USER_A) => h.send('interactive-list-reply', { CHOICE_ID: id, TITLE: 'x', FROM: from });
const say = (text: string, from = USER_A) => h.send('text', { TEXT: text, FROM: from });

describe('durable intake: duplicates, crashes, order', () => {
  it('a duplicate delivery is processed once', async () => {
    h = await startHarness();
    const first = await choose('lang:nl');
    await h.settle();
    const sentAfterFirst = h.graph.sent.length;
    expect(sentAfterFirst).toBeGreaterThan(0);
    // Meta redelivers the same message (same wamid), once and then three times at once.
    expect((await h.send('interactive-list-reply', { CHOICE_ID: 'lang:nl', TITLE: 'x', WAMID: first.wamid })).status).toBe(200);
    const again = await Promise.all([1, 2, 3].map(() => h.send('interactive-list-reply', { CHOICE_ID: 'lang:nl', TITLE: 'x', WAMID: first.wamid })));
    expect(again.every((r) => r.status === 200)).toBe(true);
    await h.settle();
    expect(h.graph.sent.length).toBe(sentAfterFirst);
    // A genuinely new message is still answered.
    await choose('lang:nl');
    await h.settle();
    expect(h.graph.sent.length).toBe(sentAfterFirst * 2);
    expect((await h.store.intakeCounts('whatsapp')).done).toBe(2);
    expect(h.logger.lines.some((l) => (l.obj as { event?: string }).event === 'wa_duplicate')).toBe(true);
  });

  it('a crash between the 200 and processing loses nothing: after a restart the message is processed once', async () => {
    h = await startHarness({ start: false });
    const r = await h.send('text-arabic');
    expect(r.status).toBe(200);
    await new Promise((res) => setTimeout(res, 100));
    expect(h.graph.sent).toHaveLength(0);
    expect(await h.store.intakeCounts('whatsapp')).toEqual({ new: 1, ready: 0, done: 0, failed: 0 });
    await h.restart({ start: true });
    await h.settle();
    const afterRestart = h.graph.sent.length;
    expect(afterRestart).toBe(1);
    expect(h.graph.sent[0]?.to).toBe(USER_A);
    // Meta redelivers the same webhook after the restart: not processed again.
    expect((await h.send('text-arabic', { WAMID: r.wamid })).status).toBe(200);
    await h.restart({ start: true });
    await h.settle();
    expect(h.graph.sent.length).toBe(afterRestart);
    expect(await h.store.intakeCounts('whatsapp')).toEqual({ new: 0, ready: 0, done: 1, failed: 0 });
  });

  it('a worker that died holding a row: the row is taken over when its lease ends, and processed once', async () => {
    h = await startHarness({ start: false, leaseMs: 10_000 });
    await say('hallo');
    const claimed = await h.store.intakeClaim('whatsapp', h.clock.now(), 10_000, 5);
    expect(claimed).toHaveLength(1);
    await h.restart({ start: true });
    await h.settle();
    expect(h.graph.sent).toHaveLength(0);
    h.clock.advance(10_001);
    h.channel.worker.nudge();
    await h.settle();
    expect(h.graph.sent).toHaveLength(1);
    h.clock.advance(20_000);
    await h.restart({ start: true });
    await h.settle();
    expect(h.graph.sent).toHaveLength(1);
  });

  it('processes one user in order while other users go on', async () => {
    h = await startHarness({ start: false });
    await choose('lang:en');
    await say('menu');
    await choose('lang:ar', USER_B);
    await choose('nav:language');
    await h.restart({ start: true });
    await h.settle();
    const a = h.graph.sent.filter((m) => m.to === USER_A);
    const b = h.graph.sent.filter((m) => m.to === USER_B);
    // A: welcome + menu in English, then the menu again in English (so "menu" came after the language), then the picker.
    expect(a).toHaveLength(3);
    expect(messageText(a[0] ?? ({} as never))).toContain('wegwijs');
    const ids = (i: number) => {
      const body = a[i]?.body as { interactive?: { action?: { sections?: { rows: { id: string }[] }[] } } };
      return body.interactive?.action?.sections?.[0]?.rows.map((r) => r.id) ?? [];
    };
    expect(ids(1).some((id) => id.startsWith('cat:'))).toBe(true);
    expect(ids(2)).toContain('lang:ar');
    expect(b).toHaveLength(1);
    expect(messageText(b[0] ?? ({} as never))).toMatch(/[\u0600-\u06ff]/);
  });
});

describe('inbound message types', () => {
  it('voice: the friendly "cannot listen yet" answer plus the menu; image and unsupported: a polite answer', async () => {
    h = await startHarness();
    await choose('lang:en');
    await h.settle();
    const n = h.graph.sent.length;
    await h.send('audio-voice');
    await h.send('image');
    await h.send('unsupported');
    await h.settle();
    const replies = h.graph.sent.slice(n).map(messageText);
    expect(replies).toHaveLength(3);
    expect(replies[0]).toContain("I can't listen to voice messages yet");
    expect(replies[1]).toContain("I can't read pictures or files");
    expect(replies[2]).toContain("I can't read pictures or files");
    for (const m of h.graph.sent.slice(n)) expect(m.type).toBe('interactive');
  });

  it('a reaction is ignored on purpose: nothing queued, nothing sent', async () => {
    h = await startHarness();
    await h.send('reaction');
    await h.settle();
    expect(h.graph.sent).toHaveLength(0);
    expect(await h.store.intakeCounts('whatsapp')).toEqual({ new: 0, ready: 0, done: 0, failed: 0 });
  });

  it('location reaches the engine as a location', async () => {
    h = await startHarness();
    await choose('lang:nl');
    await h.send('location');
    await h.settle();
    expect(messageText(h.graph.sent.at(-1) ?? ({} as never))).toContain('locatie');
  });

  it('stores the reply address apart from the queue and forgets nothing it should keep', async () => {
    h = await startHarness();
    await say('hallo');
    await h.settle();
    expect(await h.store.getAddress(userKeyOf(USER_A))).toEqual({ channel: 'whatsapp', address: USER_A });
    // Processed rows keep no message text.
    const rows = await h.store.db.query<{ payload: string; outbound: string | null }>('SELECT payload, outbound FROM intake');
    expect(rows).toEqual([{ payload: '', outbound: null }]);
  });
});

describe('status webhooks', () => {
  it('update the outbound record; failures are logged with their code and counted', async () => {
    h = await startHarness();
    await say('hallo');
    await h.settle();
    const wamid = h.graph.sent[0]?.wamid ?? '';
    await h.send('status', { STATUS: 'delivered', WAMID: wamid });
    expect((await h.store.getOutbound('whatsapp', wamid))?.status).toBe('delivered');
    await h.send('status', { STATUS: 'read', WAMID: wamid });
    await h.send('status', { STATUS: 'delivered', WAMID: wamid });
    expect((await h.store.getOutbound('whatsapp', wamid))?.status).toBe('read');
    await say('nog een vraag');
    await h.settle();
    const second = h.graph.sent.at(-1)?.wamid ?? '';
    await h.send('status-failed', { CODE: 131026, WAMID: second });
    await h.send('status-failed', { CODE: 131026, WAMID: second });
    expect(await h.store.getOutbound('whatsapp', second)).toMatchObject({ status: 'failed', errorCode: '131026' });
    expect((await h.store.counters('whatsapp_failed', 0)).map((c) => [c.key, c.count])).toEqual([['131026', 1]]);
    const logged = h.logger.lines.filter((l) => (l.obj as { event?: string }).event === 'wa_status_failed');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.obj).toMatchObject({ code: '131026' });
  });
});

describe('rate limits', () => {
  for (const code of [130429, 131056]) {
    it(`error ${code}: backs off and retries; nothing is lost or sent twice`, async () => {
      h = await startHarness();
      h.graph.failNext(code, 3);
      await choose('lang:nl');
      await say('menu');
      await h.graph.waitForSent(2);
      await h.settle();
      expect(h.graph.refused.map((r) => r.code)).toEqual([code, code, code]);
      expect(h.graph.sent).toHaveLength(2);
      expect(new Set(h.graph.sent.map((m) => m.wamid)).size).toBe(2);
      expect(h.logger.lines.filter((l) => (l.obj as { event?: string }).event === 'wa_rate_limited')).toHaveLength(3);
      expect(await h.store.intakeCounts('whatsapp')).toEqual({ new: 0, ready: 0, done: 2, failed: 0 });
    });
  }

  it('resumes a multi-message answer after the last message that went out', async () => {
    h = await startHarness();
    await choose('lang:nl');
    await h.settle();
    const before = h.graph.sent.length;
    const key = userKeyOf(USER_A);
    await h.channel.pusher.push(key, 'whatsapp', [
      { kind: 'media', mediaType: 'image', url: 'https://example.org/fictief.png', lang: 'nl', dir: 'ltr' },
      { kind: 'text', text: 'Tweede bericht.', lang: 'nl', dir: 'ltr' },
    ]);
    h.graph.failNext(130429, 1, { onlyTypes: ['text'] });
    await h.graph.waitForSent(before + 2);
    await h.settle();
    expect(h.graph.sent.slice(before).map((m) => m.type)).toEqual(['image', 'text']);
  });
});
