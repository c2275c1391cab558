/** "Help nearby" through the engine: topic button, municipality or location, kind of help, results, memory. */
import { describe, expect, it } from 'vitest';
import type { Outbound } from '../../src/core/messages.ts';
import { ams, flowEngine, ids, leakedKeys, texts } from './harness.ts';

const entryTexts = (out: Outbound[]) => out.filter((m) => m.kind === 'text' && m.text.startsWith('📍')).map((m) => (m.kind === 'text' ? m.text : ''));

describe('help nearby: starting', () => {
  it('the social-map topic page offers "Help nearby"; other topics do not', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    const page = await t.choose(`topic:social-map~${t.marker}`);
    expect(ids(page)).toContain('nb:start');
    expect(page.find((m) => m.kind === 'choices' && m.choices.some((c) => c.id === 'nb:start'))?.kind).toBe('choices');
    expect(ids(await t.choose(`topic:huisarts~${t.marker}`))).not.toContain('nb:start');
  });

  it('asks for a municipality or a location, and offers the example town', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    const out = await t.choose('nb:start');
    const ask = out.find((m) => m.kind === 'request-location');
    expect(ask?.kind === 'request-location' && ask.buttonLabel).toBe('Share my location');
    expect(ids(out)).toEqual(['nb:muni:voorbeeldstad', 'nav:menu']);
    expect((await t.session()).state.name).toBe('nearby-place');
  });

  it('a typed trigger ("help nearby", "hulp in de buurt") starts it too', async () => {
    const t = await flowEngine();
    await t.choose('lang:nl');
    expect((await t.text('hulp in de buurt')).some((m) => m.kind === 'request-location')).toBe(true);
    await t.choose('lang:en', 'u2');
    expect((await t.text('Help nearby!', 'u2')).some((m) => m.kind === 'request-location')).toBe(true);
  });
});

describe('help nearby: by municipality', () => {
  it('fuzzy-matches the typed name, remembers it, and lists kinds of help within WhatsApp limits', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.choose('nb:start');
    const out = await t.text('gemeente voorbeeldstat');
    expect(texts(out)).toContain('OK: Voorbeeldstad.');
    const menu = out.find((m) => m.kind === 'choices');
    expect(menu?.kind === 'choices' && menu.choices.length).toBeLessThanOrEqual(10);
    expect(ids(out)).toContain('nb:type:huisarts');
    expect(ids(out)).toContain('nb:type:national');
    expect(ids(out)).toContain('nb:types:1');
    expect((await t.session()).municipality).toBe('voorbeeldstad');
    // Every kind of help with an entry in Voorbeeldstad is reachable through "more…", each page ≤ 10 rows.
    const seen = new Set<string>();
    let page = out;
    for (let i = 0; i < 5; i++) {
      for (const id of ids(page)) if (id.startsWith('nb:type:')) seen.add(id.slice(8));
      const m = page.find((x) => x.kind === 'choices');
      expect(m?.kind === 'choices' && m.choices.length).toBeLessThanOrEqual(10);
      const more = ids(page).find((id) => id.startsWith('nb:types:'));
      if (!more || more === 'nb:types:0') break;
      page = await t.choose(more);
    }
    const local = new Set(t.snapshot.socialMap?.entries.filter((e) => !e.national).map((e) => e.type));
    for (const type of local) expect(seen.has(type), type).toBe(true);
  });

  it('shows entries with the example notice, open-now status, no phone, and a route link', async () => {
    const t = await flowEngine({ now: ams(2026, 11, 23, 10) });
    await t.choose('lang:en');
    await t.choose('nb:muni:voorbeeldstad');
    const out = await t.choose('nb:type:huisarts');
    const entries = entryTexts(out);
    expect(entries).toHaveLength(2);
    for (const e of entries) {
      expect(e).toContain('Example data: this place does not exist');
      expect(e).toContain('🟢 Open now, until');
      expect(e).toContain('No phone number (example data)');
      expect(e).toMatch(/https:\/\/www\.openstreetmap\.org\/directions\?engine=fossgis_osrm_foot&route=%3B52\.\d+%2C5\.\d+/);
    }
    expect(texts(out)).toContain('GP (huisarts) in Voorbeeldstad:');
    expect(leakedKeys(out)).toEqual([]);
  });

  it('adds matching national help lines with a phone action that sends a contact', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.choose('nb:muni:voorbeeldstad');
    const out = await t.choose('nb:type:ggz');
    expect(texts(out)).toContain('113 Zelfmoordpreventie');
    expect(texts(out)).toContain('🟢 Open day and night');
    expect(ids(out)).toContain('nb:call:zelfmoordpreventie-113');
    const call = await t.choose('nb:call:zelfmoordpreventie-113');
    expect(call).toEqual([expect.objectContaining({ kind: 'contact', name: '113 Zelfmoordpreventie', phone: '0800-0113' })]);
    // The last menu still counts: "1" is the first option shown with the results.
    expect(ids(await t.text('1'))).toEqual([]);
  });

  it('the national help lines row lists 112, 113 and Veilig Thuis', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.choose('nb:muni:voorbeeldstad');
    const out = await t.choose('nb:type:national');
    expect(entryTexts(out).map((e) => e.split('\n')[0])).toEqual(['📍 112 Alarmnummer', '📍 113 Zelfmoordpreventie', '📍 Veilig Thuis']);
    expect(ids(out).filter((id) => id.startsWith('nb:call:'))).toHaveLength(3);
  });

  it('says on a holiday that opening hours may differ', async () => {
    const t = await flowEngine({ now: ams(2026, 4, 6, 10) });
    await t.choose('lang:en');
    await t.choose('nb:muni:voorbeeldstad');
    const out = await t.choose('nb:type:huisartsenpost');
    expect(texts(out)).toContain('Today is a public holiday (Tweede Paasdag)');
    expect(texts(out)).toContain('🟢 Open now, until tomorrow 08:00');
  });

  it('remembers the municipality for next time; it can be changed and forgotten', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.choose('nb:muni:voorbeeldstad');
    const again = await t.choose('nb:start');
    expect(ids(again)).toContain('nb:type:huisarts');
    const change = await t.choose('nb:place');
    expect(ids(change)).toContain('nb:forget');
    const forgotten = await t.choose('nb:forget');
    expect(texts(forgotten)).toContain('I no longer remember your place.');
    expect((await t.session()).municipality).toBeNull();
    expect((await t.choose('nb:start')).some((m) => m.kind === 'request-location')).toBe(true);
  });

  it('an unknown municipality gets a clear answer; a long question leaves the step for the normal answers', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.choose('nb:start');
    const unknown = await t.text('Qwxyzville');
    expect(texts(unknown)).toContain("I don't know that municipality.");
    expect(unknown.some((m) => m.kind === 'request-location')).toBe(true);
    const question = await t.text('how do I register with a huisarts near my home');
    expect(question.some((m) => m.kind === 'request-location')).toBe(false);
    expect((await t.session()).state.name).not.toBe('nearby-place');
    // Navigation words still work in the place step.
    await t.choose('nb:start');
    expect(ids(await t.text('menu'))).toEqual(expect.arrayContaining(['nav:person', 'nav:language']));
  });

  it('a real municipality without entries gets the national help lines and advice', async () => {
    const { loadMunicipalities } = await import('../../src/handover/municipalities.ts');
    const t = await flowEngine({ flows: (await import('../../src/nearby/flow.ts')).createNearbyFlows({ municipalities: loadMunicipalities() }) });
    await t.choose('lang:nl');
    await t.choose('nb:start');
    const out = await t.text('Zwolle');
    expect(texts(out)).toContain('Voor Zwolle heeft wegwijs nog geen organisaties.');
    expect(entryTexts(out).map((e) => e.split('\n')[0])).toEqual(['📍 112 Alarmnummer', '📍 113 Zelfmoordpreventie', '📍 Veilig Thuis']);
    // The same slug the handover uses to route to sleutelpersonen of that region.
    expect((await t.session()).municipality).toBe('zwolle');
  });

  it('uses the national list of municipalities: aliases, typos with candidates, and still the fictional Voorbeeldstad', async () => {
    const { loadMunicipalities } = await import('../../src/handover/municipalities.ts');
    const t = await flowEngine({ flows: (await import('../../src/nearby/flow.ts')).createNearbyFlows({ municipalities: loadMunicipalities() }) });
    await t.choose('lang:nl');
    await t.choose('nb:start');
    // "Den Haag" is an alias of the official name.
    expect(texts(await t.text('gemeente Den Haag'))).toContain("Voor 's-Gravenhage heeft wegwijs nog geen organisaties.");
    expect((await t.session()).municipality).toBe('s-gravenhage');
    await t.choose('nb:place');
    const typo = await t.text('Amsterdm');
    expect(ids(typo)[0]).toBe('nb:muni:amsterdam');
    await t.choose('nb:place');
    expect(texts(await t.text('voorbeeldstad'))).toContain('Goed: Voorbeeldstad.');
    expect(texts(await t.choose('nb:muni:amsterdam'))).toContain('Voor Amsterdam heeft wegwijs nog geen organisaties.');
  });
});

describe('help nearby: out-of-order and unknown buttons', () => {
  it('asks for a place first, and answers unknown ids with the current menu', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    expect((await t.choose('nb:types:0')).some((m) => m.kind === 'request-location')).toBe(true);
    expect((await t.choose('nb:type:huisarts')).some((m) => m.kind === 'request-location')).toBe(true);
    expect(texts(await t.choose('nb:type:bogus'))).toContain(t.i18n.t('en', 'stale.menu_changed'));
    expect(texts(await t.choose('nb:call:no-such-entry'))).toContain(t.i18n.t('en', 'stale.menu_changed'));
    expect(texts(await t.choose('nb:muni:atlantis'))).toContain(t.i18n.t('en', 'nearby.ask_place'));
  });
});

describe('help nearby: by location', () => {
  it('a shared location lists kinds of help near it, then the nearest entries with distance', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    const types = await t.location(52.1513, 5.7987);
    expect(texts(types)).toContain('What kind of help are you looking for near you?');
    const out = await t.choose('nb:type:huisarts');
    const entries = entryTexts(out);
    expect(entries[0]).toContain('Huisartsenpraktijk De Linde');
    expect(entries[0]).toMatch(/· 50 m away/);
    expect(entries[1]).toMatch(/· \d00 m away/);
    expect(entries[0]).toContain('route=52.151%2C5.799%3B52.1512%2C5.7985');
  });

  it('keeps the location only rounded, and only for 30 minutes', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.location(52.123456, 5.876543);
    const flow = (await t.session()).flow.nearby as { at: { lat: number; lon: number } };
    expect(flow.at.lat).toBe(52.123);
    expect(flow.at.lon).toBe(5.877);
    t.clock.t += 31 * 60_000;
    const later = await t.choose('nb:start');
    expect(later.some((m) => m.kind === 'request-location')).toBe(true);
    expect(JSON.stringify((await t.session()).flow)).not.toContain('52.123');
  });

  it('far from any entry: says so and shows the national help lines', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    const out = await t.location(53.2194, 6.5665); // Groningen
    expect(texts(out)).toContain('I do not have organisations near this location in wegwijs yet.');
    expect(texts(out)).toContain('113 Zelfmoordpreventie');
  });

  it('a location before a language is chosen gets the language picker; nonsense coordinates a clear answer', async () => {
    const t = await flowEngine();
    expect(ids(await t.location(52.15, 5.8))).toContain('lang:nl');
    await t.choose('lang:en');
    const bad = await t.send({ kind: 'location', lat: Number.NaN, lon: 5 });
    expect(texts(bad)).toContain("I can't use a location here");
  });

  it('a new location while results are shown answers for the same kind of help', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.choose('nb:muni:voorbeeldstad');
    await t.choose('nb:type:apotheek');
    const out = await t.location(52.1514, 5.799);
    expect(texts(out)).toContain('Pharmacy near you:');
  });
});

describe('help nearby: privacy', () => {
  it('never logs places, coordinates or the text typed', async () => {
    const t = await flowEngine();
    await t.choose('lang:en');
    await t.choose('nb:start');
    await t.text('voorbeeldstad');
    await t.location(52.1513, 5.7987);
    await t.choose('nb:type:huisarts');
    const logged = JSON.stringify(t.logger.lines);
    expect(logged).not.toMatch(/voorbeeldstad|52\.15|5\.79/i);
    const counters = await t.store.counters('nearby', 0);
    expect(counters.map((c) => c.key)).toEqual(['huisarts|location|en']);
  });
});
