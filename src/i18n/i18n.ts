/**
 * UI strings through i18next, one JSON file per locale in `locales/`. Every call names its locale
 * (`getFixedT` per message); the language is never switched globally, so concurrent users never mix.
 * Fallback chains: prs → fa → en; every other locale → en.
 * @see https://www.i18next.com/overview/api#getfixedt
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type TFunction } from 'i18next';
import type { I18n } from '../core/ports.ts';

export const LOCALES = ['nl', 'en', 'ar', 'ti', 'fa', 'prs', 'so', 'tr', 'uk'] as const;

export async function createI18n(dir: string, locales: readonly string[] = LOCALES): Promise<I18n & { resources: Record<string, unknown> }> {
  const resources: Record<string, { translation: Record<string, unknown> }> = {};
  for (const lng of locales) {
    try {
      resources[lng] = { translation: JSON.parse(readFileSync(join(dir, `${lng}.json`), 'utf8')) as Record<string, unknown> };
    } catch {
      // A missing or broken locale file falls back along the chain; `content validate` reports it.
    }
  }
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: 'en',
    fallbackLng: { prs: ['fa', 'en'], default: ['en'] },
    supportedLngs: [...locales],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  const fixed = new Map<string, TFunction>();
  const tFor = (lng: string) => {
    let t = fixed.get(lng);
    if (!t) {
      t = instance.getFixedT(locales.includes(lng) ? lng : 'en');
      fixed.set(lng, t);
    }
    return t;
  };
  // Strings without variables never change while the process runs: looked up once per locale and key (i18next's
  // lookup with fallbacks is a noticeable share of the time per message).
  const plain = new Map<string, string>();
  return {
    resources,
    t(lng, key, vars) {
      if (vars && Object.keys(vars).length) return String(tFor(lng)(key, vars));
      const k = `${lng}\u0000${key}`;
      let v = plain.get(k);
      if (v === undefined) {
        v = String(tFor(lng)(key, {}));
        plain.set(k, v);
      }
      return v;
    },
    has: (lng, key) => instance.exists(key, { lng, fallbackLng: false }),
  };
}
