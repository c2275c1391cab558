import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/loader.ts';
import { type RunningApp, startApp } from '../helpers/app.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { MINI, ROOT } from '../helpers/engine.ts';

const realContent = join(ROOT, 'content');
const contentDir = loadContent(realContent).snapshot ? realContent : MINI;
let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp({ CONTENT_DIR: contentDir });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('web chat in real Chromium', () => {
  it('chooses Arabic, shows right-to-left huisarts text, goes back, and continues after a reload', async () => {
    const snapshot = app.wired.content.current();
    const huisarts = snapshot.topics.get('huisarts')?.texts.ar;
    const category = snapshot.categories.find((c) => c.topics.includes('huisarts'));
    if (!huisarts || !category) throw new Error('content lacks Arabic huisarts');
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'ar' });
    await page.goto(app.url);
    await page.getByRole('button', { name: 'العربية' }).click();
    await page
      .getByRole('button', { name: category.title.ar ?? '' })
      .first()
      .click();
    await page.getByRole('button', { name: huisarts.title }).first().click();
    const firstParagraph = huisarts.body.split('\n')[0]?.trim() ?? '';
    const bubble = page.locator('.msg.bot', { hasText: firstParagraph.slice(0, 30) }).last();
    await expect.poll(() => bubble.getAttribute('dir')).toBe('rtl');
    expect(await bubble.getAttribute('lang')).toBe('ar');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', 'webchat-ar.png') });

    const backLabel = app.wired.content && (await (await import('../../src/i18n/i18n.ts')).createI18n(join(ROOT, 'locales'))).t('ar', 'menu.back');
    await page.getByRole('button', { name: backLabel }).last().click();
    await expect.poll(() => page.locator('.choices').last().getByRole('button', { name: huisarts.title }).count()).toBe(1);

    const bubblesBefore = await page.locator('.msg').count();
    await page.reload();
    await expect.poll(() => page.locator('.msg').count()).toBe(bubblesBefore);
    // The server-side session continues: typing now answers in Arabic without asking for a language again.
    await page.locator('#input').fill('طبيب العائلة');
    await page.locator('#send').click();
    await expect.poll(() => page.locator('.msg.bot').last().getAttribute('dir')).toBe('rtl');
    await expect.poll(() => page.locator('.msg.bot[lang="ar"]').count()).toBeGreaterThan(3);
    await page.close();
  });

  it('is usable with the keyboard alone', async () => {
    const page = await browser.newPage();
    await page.goto(app.url);
    await page.getByRole('button', { name: 'English' }).waitFor();
    await page.getByRole('button', { name: 'English' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.msg.bot[lang="en"]').count()).toBeGreaterThan(0);
    await page.close();
  });
});
