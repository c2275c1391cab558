/**
 * Help nearby in real Chromium, in Arabic (right to left): the topic button, browser geolocation, the results with
 * distance and the example notice. Saves docs/screenshots/nearby-ar.png for the README.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createI18n } from '../../src/i18n/i18n.ts';
import { type RunningApp, startApp } from '../helpers/app.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { ROOT } from '../helpers/engine.ts';
import { ams, CONTENT } from './harness.ts';

let app: RunningApp;
let browser: Browser;
beforeAll(async () => {
  // Monday 23 November 2026, 10:00 in Amsterdam: the practices are open.
  app = await startApp({ CONTENT_DIR: CONTENT, CONTENT_WATCH: 'false' }, { memory: true, clock: { now: () => ams(2026, 11, 23, 10) } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('help nearby in the web chat (Chromium)', () => {
  it('Arabic: topic → "help nearby" → share location → GP → nearest entries, right to left', async () => {
    const i18n = await createI18n(join(ROOT, 'locales'));
    const t = (k: string, v?: Record<string, unknown>) => i18n.t('ar', k, v);
    const snapshot = app.wired.content.current();
    const category = snapshot.categories.find((c) => c.topics.includes('social-map'));
    const topicTitle = snapshot.topics.get('social-map')?.texts.ar?.title ?? '';
    const context = await browser.newContext({
      viewport: { width: 420, height: 1000 },
      locale: 'ar',
      geolocation: { latitude: 52.1513, longitude: 5.7987 },
      permissions: ['geolocation'],
    });
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByRole('button', { name: 'العربية' }).click();
    await page
      .getByRole('button', { name: category?.title.ar ?? '' })
      .first()
      .click();
    const shown = await page.locator('.msg.bot').count();
    await page.getByRole('button', { name: topicTitle }).first().click();
    // Wait for the topic (its text and its menu): in Arabic the "help nearby" button has the topic's own title, so
    // until the answer is there `.last()` would still be the topic button in the category list (a slower store, such
    // as PostgreSQL, makes that visible).
    await expect.poll(() => page.locator('.msg.bot').count()).toBeGreaterThanOrEqual(shown + 2);
    await page
      .getByRole('button', { name: t('nearby.button') })
      .last()
      .click();
    await page
      .getByRole('button', { name: `📍 ${t('nearby.share_location')}` })
      .last()
      .click();
    await page
      .getByRole('button', { name: t('nearby.types.huisarts') })
      .last()
      .click();
    const first = page.locator('.msg.bot', { hasText: 'Huisartsenpraktijk De Linde' }).last();
    await expect.poll(() => first.count()).toBe(1);
    expect(await first.getAttribute('dir')).toBe('rtl');
    expect(await first.getAttribute('lang')).toBe('ar');
    const text = await first.innerText();
    expect(text).toContain(t('nearby.example_notice'));
    expect(text).toContain(t('nearby.distance_m', { n: 50 }));
    expect(text).toContain(t('nearby.open_until', { time: '17:00' }));
    // The route link is a real link to OpenStreetMap directions from the shared location.
    const route = first.locator('a[href^="https://www.openstreetmap.org/directions"]');
    expect(await route.getAttribute('href')).toContain('route=52.151%2C5.799%3B52.1512%2C5.7985');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await first.scrollIntoViewIfNeeded();
    mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', 'nearby-ar.png') });
    await context.close();
  });
});
