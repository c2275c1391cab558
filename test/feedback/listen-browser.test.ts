/** "Listen" in real Chromium: the web chat shows a visible audio player, and the synthetic voice actually plays. */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createI18n } from '../../src/i18n/i18n.ts';
import { type RunningApp, startApp } from '../helpers/app.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { ROOT } from '../helpers/engine.ts';
import { CONTENT } from '../nearby/harness.ts';

let app: RunningApp;
let browser: Browser;
beforeAll(async () => {
  app = await startApp({ CONTENT_DIR: CONTENT, CONTENT_WATCH: 'false' }, { memory: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('listen in the web chat (Chromium)', () => {
  it('Dutch huisarts topic → 🔊 Luisteren → a visible player that plays the computer voice', async () => {
    const i18n = await createI18n(join(ROOT, 'locales'));
    const snapshot = app.wired.content.current();
    const category = snapshot.categories.find((c) => c.topics.includes('huisarts'));
    const title = snapshot.topics.get('huisarts')?.texts.nl?.title ?? '';
    const page = await browser.newPage();
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Nederlands' }).click();
    await page
      .getByRole('button', { name: category?.title.nl ?? '' })
      .first()
      .click();
    await page.getByRole('button', { name: title, exact: false }).first().click();
    await page
      .getByRole('button', { name: i18n.t('nl', 'media.listen') })
      .last()
      .click();
    const audio = page.locator('audio').last();
    await expect.poll(() => audio.count()).toBe(1);
    expect(await audio.isVisible()).toBe(true);
    expect(await audio.getAttribute('controls')).not.toBeNull();
    expect(await audio.getAttribute('src')).toBe('/media/huisarts-nl.ogg');
    const bubble = page.locator('.msg.bot', { has: page.locator('audio') }).last();
    expect(await bubble.innerText()).toContain(i18n.t('nl', 'media.computer_voice').toLowerCase());
    // Play it (the launch flags allow playback without a gesture) and check that time advances and "playing" fired.
    const played = await audio.evaluate(async (el: HTMLAudioElement) => {
      let playing = false;
      el.addEventListener('playing', () => {
        playing = true;
      });
      await el.play();
      const start = el.currentTime;
      await new Promise((r) => setTimeout(r, 1500));
      return { playing, advanced: el.currentTime - start, duration: el.duration, error: el.error?.code ?? null };
    });
    expect(played.error).toBeNull();
    expect(played.playing).toBe(true);
    expect(played.advanced).toBeGreaterThan(0.5);
    expect(played.duration).toBeGreaterThan(30);
    await page.close();
  });
});
