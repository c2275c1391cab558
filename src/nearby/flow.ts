/**
 * "Help nearby": the social map as a conversation. The `social-map` topic page and a few trigger words start it;
 * the user types a municipality (fuzzy-matched) or shares a location, picks a kind of help, and gets the nearest
 * entries with open-now, phone and a route link. The municipality is remembered in `session.municipality` (a slug);
 * a shared location only for 30 minutes, rounded to about 100 m, in `session.flow.nearby`.
 * Choice ids: `nb:start`, `nb:muni:<slug>`, `nb:place`, `nb:forget`, `nb:types:<page>`, `nb:type:<type>`, `nb:call:<id>`.
 */
import { choiceId } from '../core/choice-ids.ts';
import type { SocialMap } from '../core/content-types.ts';
import type { Ctx, Flow } from '../core/context.ts';
import { navForm, parseDigit } from '../core/input.ts';
import type { Choice } from '../core/messages.ts';
import { NAV } from '../core/views.ts';
import type { LatLon } from './geo.ts';
import { createPlaceMatcher, mergePlaces, type Place, type PlaceDirectory, type PlaceMatcher, stripFillers } from './places.ts';
import { describe, holidayNote, renderEntry } from './render.ts';
import { availableTypes, entriesFor, localEntries, mapPlaces, NATIONAL, typePages, type Where } from './search.ts';

export const LOCATION_TTL_MS = 30 * 60_000;
const NAV_KEYS = ['nav.menu_words', 'nav.back_words', 'nav.help_words', 'nav.language_words', 'nav.person_words', 'nav.greeting_words'];

interface NearbyState {
  mode?: 'place' | 'location';
  at?: LatLon & { t: number };
}

export interface NearbyDeps {
  /** All Dutch municipalities (the handover module's list), besides those in the social map. */
  municipalities?: PlaceDirectory;
}

function words(ctx: Ctx, key: string): string[] {
  return [ctx.t(key), ctx.deps.i18n.t('en', key)]
    .flatMap((s) => s.split(','))
    .map(navForm)
    .filter(Boolean);
}

export function createNearbyFlows(deps: NearbyDeps = {}): Flow[] {
  const matchers = new WeakMap<SocialMap, PlaceMatcher>();
  const map = (ctx: Ctx): SocialMap | null => (ctx.snapshot.socialMap?.entries.length ? ctx.snapshot.socialMap : null);
  const matcher = (m: SocialMap): PlaceMatcher => {
    let pm = matchers.get(m);
    if (!pm) {
      pm = createPlaceMatcher(mapPlaces(m));
      matchers.set(m, pm);
    }
    return pm;
  };
  const state = (ctx: Ctx): NearbyState => {
    const s = (ctx.session.flow.nearby ?? {}) as NearbyState;
    if (s.at && ctx.now - s.at.t > LOCATION_TTL_MS) delete s.at;
    ctx.session.flow.nearby = s;
    return s;
  };
  const where = (ctx: Ctx): Where => {
    const s = state(ctx);
    if (s.mode === 'location' && s.at) return { place: null, at: { lat: s.at.lat, lon: s.at.lon } };
    return { place: ctx.session.municipality, at: null };
  };
  const toPlace = (x: { id: string; name: string }): Place => ({ slug: x.id, name: x.name });
  /** A municipality by slug: from the social map, else from the national list. */
  const placeBySlug = (m: SocialMap, slug: string): Place | undefined => {
    const own = matcher(m).get(slug);
    const national = own ? undefined : deps.municipalities?.get(slug);
    return own ?? (national ? toPlace(national) : undefined);
  };
  const placeName = (m: SocialMap, slug: string | null) => (slug ? (placeBySlug(m, slug)?.name ?? slug) : '');
  /** What the user typed: an exact national name first, then the social map (typos allowed), then candidates. */
  const findPlace = (m: SocialMap, text: string): { exact: Place | null; candidates: Place[] } => {
    const q = stripFillers(text);
    const national = deps.municipalities?.exact(q);
    if (national) return { exact: toPlace(national), candidates: [] };
    const own = matcher(m).match(text);
    if (own.exact) return own;
    const fuzzy = (deps.municipalities?.match(q, 3) ?? []).map(toPlace);
    return { exact: null, candidates: mergePlaces(own.candidates, fuzzy).slice(0, 3) };
  };

  function askPlace(ctx: Ctx, m: SocialMap): void {
    ctx.session.state = { name: 'nearby-place' };
    ctx.out.push({ kind: 'request-location', text: ctx.t('nearby.ask_place'), buttonLabel: ctx.t('nearby.share_location'), lang: ctx.locale, dir: ctx.dir() });
    const choices: Choice[] = mapPlaces(m)
      .filter((p) => p.example)
      .slice(0, 1)
      .map((p) => ({ id: choiceId('nb', `muni:${p.slug}`), label: ctx.t('nearby.example_town'), description: p.name }));
    if (ctx.session.municipality) choices.push({ id: choiceId('nb', 'forget'), label: ctx.t('nearby.forget_place') });
    choices.push({ id: NAV.menu, label: ctx.t('menu.main') });
    ctx.ask(
      ctx.t(choices.length > 1 && choices[0]?.id.startsWith('nb:muni:') ? 'nearby.try_example' : 'nearby.or_choose'),
      choices,
      choices.length <= 3 ? 'buttons' : 'list',
    );
  }

  function start(ctx: Ctx, m: SocialMap): void {
    const s = state(ctx);
    if (s.mode === 'location' && s.at) showTypes(ctx, m, 0);
    else if (ctx.session.municipality && placeBySlug(m, ctx.session.municipality)) {
      s.mode = 'place';
      showTypes(ctx, m, 0);
    } else askPlace(ctx, m);
  }

  function setPlace(ctx: Ctx, m: SocialMap, slug: string): void {
    const place = placeBySlug(m, slug);
    if (!place) {
      askPlace(ctx, m);
      return;
    }
    ctx.session.municipality = place.slug;
    const s = state(ctx);
    s.mode = 'place';
    delete s.at;
    ctx.say(ctx.t('nearby.place_saved', { place: place.name }));
    showTypes(ctx, m, 0);
  }

  /** No local entries: say so, show the national help lines, offer another place. */
  function nothingHere(ctx: Ctx, m: SocialMap, w: Where): void {
    ctx.say(w.at ? ctx.t('nearby.far_away') : ctx.t('nearby.no_local', { place: placeName(m, w.place) }));
    for (const e of entriesFor(m, w, NATIONAL)) ctx.say(renderEntry(ctx, e, { from: null, holidays: m.holidays }));
    ctx.session.state = { name: 'nearby' };
    ctx.ask(ctx.t('nearby.next'), [
      ...callChoices(m, w, NATIONAL),
      { id: choiceId('nb', 'place'), label: ctx.t('nearby.change_place') },
      { id: NAV.menu, label: ctx.t('menu.main') },
    ]);
  }

  function showTypes(ctx: Ctx, m: SocialMap, page: number): void {
    const w = where(ctx);
    if (!w.at && !w.place) {
      askPlace(ctx, m);
      return;
    }
    if (!localEntries(m, w).length) {
      nothingHere(ctx, m, w);
      return;
    }
    const all = typePages(availableTypes(m, w));
    const pages = all.length;
    const p = page >= 0 && page < pages ? page : 0;
    const choices: Choice[] = (all[p] ?? []).map((t) => ({ id: choiceId('nb', `type:${t}`), label: ctx.t(`nearby.types.${t}`) }));
    if (pages > 1) choices.push({ id: choiceId('nb', `types:${(p + 1) % pages}`), label: ctx.t('nearby.more') });
    choices.push({ id: choiceId('nb', 'place'), label: ctx.t('nearby.change_place') }, { id: NAV.menu, label: ctx.t('menu.main') });
    ctx.session.state = { name: 'nearby' };
    const intro = w.at ? ctx.t('nearby.choose_type_near') : ctx.t('nearby.choose_type', { place: placeName(m, w.place) });
    ctx.ask(intro, choices, 'list');
  }

  function callChoices(m: SocialMap, w: Where, type: string): Choice[] {
    return entriesFor(m, w, type)
      .filter((e) => e.phone)
      .slice(0, 3)
      .map((e) => ({ id: choiceId('nb', `call:${e.id}`), label: `📞 ${e.phone}`, description: e.name }));
  }

  async function showResults(ctx: Ctx, m: SocialMap, type: string): Promise<void> {
    const w = where(ctx);
    if (!w.at && !w.place) return askPlace(ctx, m);
    const found = entriesFor(m, w, type);
    const label = ctx.t(`nearby.types.${type}`);
    if (!found.length) {
      ctx.say(ctx.t('nearby.none_of_type', { type: label }));
      return showTypes(ctx, m, 0);
    }
    await ctx.deps.store.incrementCounter('nearby', `${type}|${w.at ? 'location' : 'place'}|${ctx.locale}`, ctx.now);
    const head = [w.at ? ctx.t('nearby.results_near', { type: label }) : ctx.t('nearby.results_place', { type: label, place: placeName(m, w.place) })];
    const note = holidayNote(ctx, m.holidays);
    if (note) head.push(note);
    if (found.some((e) => !e.translationsReviewed && describe(ctx, e)?.locale !== ctx.snapshot.sourceLocale)) head.push(`⚠️ ${ctx.t('topic.draft_note')}`);
    ctx.say(head.join('\n'));
    for (const e of found) ctx.say(renderEntry(ctx, e, { from: w.at, holidays: m.holidays }));
    ctx.session.state = { name: 'nearby', type };
    ctx.ask(ctx.t('nearby.next'), [
      ...callChoices(m, w, type),
      { id: choiceId('nb', 'types:0'), label: ctx.t('nearby.other_type') },
      { id: choiceId('nb', 'place'), label: ctx.t('nearby.change_place') },
      { id: NAV.menu, label: ctx.t('menu.main') },
    ]);
  }

  const flow: Flow = {
    name: 'nearby',
    choiceTypes: ['nb'],
    states: ['nearby-place'],
    topicChoices(ctx, topicId) {
      return topicId === 'social-map' && map(ctx) ? [{ id: choiceId('nb', 'start'), label: ctx.t('nearby.button') }] : [];
    },
    async onChoice(ctx, _type, arg) {
      const m = map(ctx);
      if (!m) return false;
      const [verb = '', ...rest] = arg.split(':');
      const value = rest.join(':');
      switch (verb) {
        case 'start':
          start(ctx, m);
          return true;
        case 'muni':
          setPlace(ctx, m, value);
          return true;
        case 'place':
          askPlace(ctx, m);
          return true;
        case 'types':
          showTypes(ctx, m, Number(value) || 0);
          return true;
        case 'type':
          if (value !== NATIONAL && !ctx.deps.i18n.has('en', `nearby.types.${value}`)) return false;
          await showResults(ctx, m, value);
          return true;
        case 'forget':
          ctx.session.municipality = null;
          delete ctx.session.flow.nearby;
          ctx.say(ctx.t('nearby.forgotten'));
          askPlace(ctx, m);
          return true;
        case 'call': {
          const e = m.entries.find((x) => x.id === value && x.phone);
          if (!e?.phone) return false;
          ctx.out.push({ kind: 'contact', name: e.name, phone: e.phone, lang: ctx.locale, dir: ctx.dir() });
          return true;
        }
        default:
          return false;
      }
    },
    async onText(ctx, text) {
      const m = map(ctx);
      if (!m || parseDigit(text) !== null) return false;
      const form = navForm(text);
      if (NAV_KEYS.some((k) => words(ctx, k).includes(form))) return false;
      const r = findPlace(m, text);
      if (r.exact) {
        setPlace(ctx, m, r.exact.slug);
        return true;
      }
      if (r.candidates.length) {
        const choices: Choice[] = r.candidates.map((p) => ({ id: choiceId('nb', `muni:${p.slug}`), label: p.name }));
        choices.push({ id: NAV.menu, label: ctx.t('menu.main') });
        ctx.ask(ctx.t('nearby.did_you_mean'), choices, 'list');
        return true;
      }
      // A whole question rather than a place name: leave this step and let the normal answers handle it.
      if (form.split(' ').length > 4) {
        ctx.session.state = { name: 'menu' };
        return false;
      }
      ctx.say(ctx.t('nearby.not_found'));
      askPlace(ctx, m);
      return true;
    },
    async onLocation(ctx, lat, lon) {
      const m = map(ctx);
      if (!m || !ctx.session.locale || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return false;
      const s = state(ctx);
      // Rounded to about 100 m and kept only briefly: enough to sort by distance, no more.
      s.at = { lat: Math.round(lat * 1000) / 1000, lon: Math.round(lon * 1000) / 1000, t: ctx.now };
      s.mode = 'location';
      const type = ctx.session.state.name === 'nearby' && typeof ctx.session.state.type === 'string' ? ctx.session.state.type : null;
      if (type && localEntries(m, where(ctx)).length) await showResults(ctx, m, type);
      else showTypes(ctx, m, 0);
      return true;
    },
    async onCommand(ctx, command) {
      const m = map(ctx);
      if (command !== 'nearby' || !m || !ctx.session.locale) return false;
      start(ctx, m);
      return true;
    },
  };

  /** Stateless trigger: "help nearby" typed anywhere starts the flow. */
  const trigger: Flow = {
    name: 'nearby-trigger',
    async onText(ctx, text) {
      const m = map(ctx);
      if (!m || !words(ctx, 'nearby.words').includes(navForm(text))) return false;
      start(ctx, m);
      return true;
    },
  };
  return [flow, trigger];
}
