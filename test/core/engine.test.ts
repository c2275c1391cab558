import { describe, expect, it } from 'vitest';
import { choiceIds, testEngine, texts } from '../helpers/engine.ts';

describe('engine: first contact and language', () => {
  it('greets a new user with the language picker, each language in its own script', async () => {
    const t = await testEngine();
    const out = await t.text('hallo');
    expect(out).toHaveLength(1);
    const m = out[0];
    expect(m?.kind).toBe('choices');
    if (m?.kind !== 'choices') return;
    expect(m.choices.map((c) => c.label)).toEqual(['Nederlands', 'English', 'العربية']);
    expect(m.choices.map((c) => c.id)).toEqual(['lang:nl', 'lang:en', 'lang:ar']);
  });

  it('uses a platform language hint only to put that language first', async () => {
    const t = await testEngine();
    const out = await t.send({ kind: 'command', command: 'start', localeHint: 'ar-SA' } as never);
    expect(choiceIds(out)[0]).toBe('lang:ar');
    expect(choiceIds(out)).toHaveLength(3);
  });

  it('choosing Arabic answers in Arabic direction and shows the menu', async () => {
    const t = await testEngine();
    await t.text('hallo');
    const out = await t.choose('lang:ar');
    expect(out.every((m) => 'dir' in m && m.dir === 'rtl')).toBe(true);
    expect(choiceIds(out).some((id) => id.startsWith('cat:care~'))).toBe(true);
  });

  it('the language can be changed at any time', async () => {
    const t = await testEngine();
    await t.choose('lang:ar');
    const picker = await t.choose('nav:language');
    expect(choiceIds(picker)).toContain('lang:en');
    const out = await t.choose('lang:en');
    expect(out.every((m) => 'dir' in m && m.dir === 'ltr')).toBe(true);
  });

  it('a typed language name selects it', async () => {
    const t = await testEngine();
    const out = await t.text('English');
    expect(texts(out)).toContain('wegwijs');
    expect(out[0] && 'lang' in out[0] ? out[0].lang : '').toBe('en');
  });
});

describe('engine: menus and topics', () => {
  it('walks menu → category → topic → back → main menu', async () => {
    const t = await testEngine();
    await t.choose('lang:nl');
    const m = t.snapshot.marker;
    const cat = await t.choose(`cat:care~${m}`);
    expect(choiceIds(cat)).toEqual([`topic:huisarts~${m}`, `topic:emergency~${m}`, 'nav:menu', 'nav:person']);
    const topic = await t.choose(`topic:huisarts~${m}`);
    expect(texts(topic)).toContain('De huisarts is je eerste stop.');
    expect(choiceIds(topic)).toEqual(expect.arrayContaining(['nav:back', 'nav:menu', 'nav:person', 'nav:language', `topic:emergency~${m}`]));
    const back = await t.choose('nav:back');
    expect(choiceIds(back)).toContain(`topic:huisarts~${m}`);
    const menu = await t.choose('nav:menu');
    expect(choiceIds(menu)).toContain(`cat:care~${m}`);
  });

  it('shows the draft note for unreviewed translations, not for reviewed ones', async () => {
    const t = await testEngine();
    await t.choose('lang:nl');
    const nl = await t.choose(`topic:huisarts~${t.snapshot.marker}`);
    expect(texts(nl)).toContain('⚠️');
    await t.choose('lang:en');
    const en = await t.choose(`topic:huisarts~${t.snapshot.marker}`);
    expect(texts(en)).not.toContain('⚠️');
  });

  it('falls back along the chain with a visible note when a locale lacks a topic', async () => {
    const t = await testEngine();
    const s = t.snapshot;
    const emergency = s.topics.get('emergency');
    if (!emergency) throw new Error('fixture');
    const { ar: _drop, ...rest } = emergency.texts;
    t.setSnapshot({ ...s, topics: new Map([...s.topics, ['emergency', { ...emergency, texts: rest }]]) });
    await t.choose('lang:ar');
    const out = await t.choose(`topic:emergency~${s.marker}`);
    expect(texts(out)).toContain('ℹ️');
    expect(texts(out)).toContain('Is a life in danger? Call 112.');
    expect(out[0] && 'lang' in out[0] ? out[0].lang : '').toBe('en');
  });

  it('records each topic read with content version and revision in the transcript', async () => {
    const t = await testEngine();
    await t.choose('lang:nl');
    await t.choose(`topic:huisarts~${t.snapshot.marker}`);
    const tr = await t.store.listTranscript('u1');
    expect(tr).toHaveLength(1);
    expect(tr[0]).toMatchObject({ topicId: 'huisarts', contentVersion: '2026.1.0', topicRevision: t.snapshot.topics.get('huisarts')?.texts.nl?.hash });
  });

  it('a typed digit picks the numbered choice of the last menu', async () => {
    const t = await testEngine();
    await t.choose('lang:nl');
    await t.choose(`cat:care~${t.snapshot.marker}`);
    const out = await t.text('2');
    expect(texts(out)).toContain('Bel 112');
    const arabicDigit = await t.text('١');
    expect(texts(arabicDigit)).not.toBe('');
  });

  it('fills retention placeholders in content text', async () => {
    const t = await testEngine();
    const s = t.snapshot;
    const h = s.topics.get('huisarts');
    const nl = h?.texts.nl;
    if (!h || !nl) throw new Error('fixture');
    t.setSnapshot({
      ...s,
      topics: new Map([...s.topics, ['huisarts', { ...h, texts: { ...h.texts, nl: { ...nl, body: 'Na {{transcript_days}} dagen weg.' } } }]]),
    });
    await t.choose('lang:nl');
    expect(texts(await t.choose(`topic:huisarts~${s.marker}`))).toContain('Na 30 dagen weg.');
  });
});

describe('engine: free text, crisis, bad input', () => {
  it('answers a confident question with the topic', async () => {
    const t = await testEngine();
    await t.choose('lang:nl');
    expect(texts(await t.text('hoe werkt de huisarts'))).toContain('De huisarts is je eerste stop.');
  });

  it('says honestly it did not find an answer, records the question without identifiers, and offers a person', async () => {
    const t = await testEngine();
    await t.choose('lang:nl');
    const out = await t.text('wat is de treinprijs naar Utrecht');
    expect(texts(out)).toContain(t.i18n.t('nl', 'match.not_found'));
    // The safety net: 112 and 113 under every "not found", for a crisis the phrase lists do not recognise.
    expect(texts(out)).toContain('Bel 112, of 113 (0800-0113');
    expect(choiceIds(out)).toContain('nav:person');
    expect(await t.store.topUnmatched(0, 5)).toEqual([{ locale: 'nl', text: 'wat is de treinprijs naar Utrecht', count: 1 }]);
  });

  it('shows the crisis card first, even before a language is chosen, in the language of the message', async () => {
    const t = await testEngine();
    const out = await t.text('أريد أن أموت');
    expect(texts(out)).toContain('113');
    expect(texts(out)).toContain('112');
    expect(out[0] && 'dir' in out[0] ? out[0].dir : '').toBe('rtl');
    expect(choiceIds(out)).toContain('nav:person-urgent');
    expect(await t.store.counters('crisis', 0)).toEqual([{ key: 'ar', day: '2026-11-22', count: 1 }]);
  });

  it('does not raise a crisis for an ordinary painful message', async () => {
    const t = await testEngine();
    await t.choose('lang:nl');
    const out = await t.text('mijn kies doet pijn');
    expect(choiceIds(out)).not.toContain('nav:person-urgent');
    expect(await t.store.counters('crisis', 0)).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['whitespace', '   \n\t '],
    ['zero-width only', '\u200B\u200D\uFEFF'],
    ['control characters', '\u0000\u0007'],
    ['too long', 'a'.repeat(4001)],
  ])('answers %s input politely with the way back to the menu', async (_name, text) => {
    const t = await testEngine();
    await t.choose('lang:nl');
    const out = await t.text(text);
    expect(out.length).toBeGreaterThan(0);
    expect(choiceIds(out)).toContain(`cat:care~${t.snapshot.marker}`);
    expect(texts(out)).not.toMatch(/Error|at \w+ \(/);
  });

  it('answers unknown commands and unknown or stale buttons with the current menu', async () => {
    const t = await testEngine();
    await t.choose('lang:nl');
    expect(texts(await t.text('/frobnicate'))).toContain(t.i18n.t('nl', 'command.unknown'));
    const stale = await t.choose('topic:huisarts~000000');
    expect(texts(stale)).toContain(t.i18n.t('nl', 'stale.menu_changed'));
    expect(choiceIds(stale)).toContain(`cat:care~${t.snapshot.marker}`);
    expect(texts(await t.choose('weird id with spaces'))).toContain(t.i18n.t('nl', 'stale.menu_changed'));
    expect(texts(await t.choose(`topic:nonexistent~${t.snapshot.marker}`))).toContain(t.i18n.t('nl', 'stale.menu_changed'));
  });

  it('answers voice and media with a friendly note', async () => {
    const t = await testEngine();
    await t.choose('lang:nl');
    expect(texts(await t.send({ kind: 'media', mediaType: 'voice' } as never))).toContain(t.i18n.t('nl', 'input.voice'));
  });

  it('resets a corrupt session to the language picker and logs a warning without text', async () => {
    const t = await testEngine();
    await t.store.saveSession({ userKey: 'u1', channel: 'cli', data: '{not json', updatedAt: 1 });
    const out = await t.text('geheime tekst');
    expect(choiceIds(out)).toContain('lang:ar');
    const warn = t.logger.lines.find((l) => l.level === 'warn');
    expect(warn).toBeDefined();
    expect(JSON.stringify(t.logger.lines)).not.toContain('geheime');
  });

  it('processes a duplicate message id once', async () => {
    const t = await testEngine();
    const a = await t.engine.handle({ channel: 'telegram', userKey: 'x', messageId: '42', kind: 'text', text: 'hallo' });
    const b = await t.engine.handle({ channel: 'telegram', userKey: 'x', messageId: '42', kind: 'text', text: 'hallo' });
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual([]);
  });

  it('keeps per-user order under concurrent messages', async () => {
    const t = await testEngine();
    const [, , third] = await Promise.all([t.choose('lang:nl'), t.choose(`cat:care~${t.snapshot.marker}`), t.text('1')]);
    expect(texts(third ?? [])).toContain('De huisarts is je eerste stop.');
  });

  it('routes "talk to a person" through the notifier port', async () => {
    const calls: string[] = [];
    const t = await testEngine({
      notifier: {
        requestHuman: async (r) => {
          calls.push(`${r.locale}:${r.priority}`);
          return { status: 'unavailable', messageKey: 'handover.coming_soon' };
        },
      },
    });
    await t.choose('lang:ar');
    const out = await t.choose('nav:person');
    expect(calls).toEqual(['ar:normal']);
    expect(texts(out)).toContain('sleutelpersoon');
  });

  it('forgets a user after confirmation', async () => {
    const t = await testEngine();
    await t.choose('lang:nl');
    await t.choose(`topic:huisarts~${t.snapshot.marker}`);
    const ask = await t.text('/forget');
    expect(choiceIds(ask)).toEqual(['forget:yes', 'forget:no']);
    await t.choose('forget:yes');
    expect(await t.store.getSession('u1')).toBeUndefined();
    expect(await t.store.listTranscript('u1')).toEqual([]);
  });
});

describe('engine: flood control', () => {
  it('says "slow down" once per window, ignores the rest deliberately, and still shows crisis cards', async () => {
    const t = await testEngine();
    await t.choose('lang:nl');
    const outs = [];
    for (let i = 0; i < 35; i++) outs.push(await t.text(`vraag ${i}`));
    const slow = outs.filter((o) => texts(o) === t.i18n.t('nl', 'input.slow_down'));
    expect(slow).toHaveLength(1);
    expect(outs.slice(31).every((o) => o.length === 0)).toBe(true);
    expect(texts(await t.text('ik wil niet meer leven'))).toContain('113');
    t.clock.t += 61_000;
    expect((await t.text('hallo')).length).toBeGreaterThan(0);
  });
});
