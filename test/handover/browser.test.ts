/**
 * Real Chromium: a helper logs in on a phone-sized screen, sees a new conversation appear live, claims it and
 * replies; the user's web chat (another page) shows the reply live; a user message that looks like HTML is shown as
 * text. Saves the inbox screenshots used in docs/sleutelpersonen.md.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createI18n } from '../../src/i18n/i18n.ts';
import type { RunningApp } from '../helpers/app.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { ROOT } from '../helpers/engine.ts';
import { addHelper, fakeClock, PASSWORD, startHandoverApp } from './support.ts';

const SHOTS = join(ROOT, 'docs', 'screenshots');
const XSS = '<img src=x onerror=alert(1)>';
let app: RunningApp;
let browser: Browser;
const clock = fakeClock();

beforeAll(async () => {
  app = await startHandoverApp({ clock });
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('helper inbox in real Chromium', () => {
  it('logs in, sees a new conversation live, claims, replies; the user sees the reply live; HTML stays text', async () => {
    const i18n = await createI18n(join(ROOT, 'locales'));
    const t = (k: string) => i18n.t('ar', k);
    await addHelper(app, { name: 'Amal', languages: ['ar', 'nl'], regions: ['utrecht', 'amersfoort'], gender: 'woman' });
    const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
    const problems: string[] = [];

    const helper = await browser.newPage(phone);
    helper.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    helper.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await helper.goto(`${app.url}/helpers`);
    await helper.getByLabel('Gebruikersnaam').fill('amal');
    await helper.getByLabel('Wachtwoord').fill(PASSWORD);
    await helper.getByRole('button', { name: 'Inloggen' }).click();
    await helper.getByText('Er wacht nu niemand.').waitFor();

    // The user asks for a person in the web chat, in Arabic, in Utrecht.
    const user = await browser.newPage({ ...phone, locale: 'ar' });
    await user.goto(app.url);
    await user.getByRole('button', { name: 'العربية' }).click();
    await user
      .getByRole('button', { name: t('menu.person') })
      .last()
      .click();
    await user.getByRole('button', { name: t('handover.consent_yes') }).click();
    await user.locator('#input').fill('Utrecht');
    await user.locator('#send').click();
    await user.getByRole('button', { name: t('handover.gender_woman') }).click();
    await user.locator('#input').fill('أحتاج موعدا عند طبيب العائلة');
    await user.locator('#send').click();
    await user.locator('.msg.bot', { hasText: t('handover.queued') }).waitFor();
    await user.locator('#input').fill(XSS);
    await user.locator('#send').click();
    await user.locator('.msg.bot', { hasText: t('handover.waiting_ack') }).waitFor();

    // The waiting list updates live: no reload.
    clock.advance(3 * 60_000);
    await helper.locator('#waiting li').first().waitFor();
    expect(await helper.locator('#waiting li').first().textContent()).toContain('Arabisch');
    expect(await helper.locator('#waiting li').first().textContent()).toContain('Utrecht');
    await helper.screenshot({ path: join(SHOTS, 'inbox-list.png'), fullPage: true });

    await helper.getByRole('button', { name: 'Oppakken' }).first().click();
    await helper.waitForURL(/\/helpers\/c\/[0-9a-f]{16}$/);
    // The HTML-looking message is plain text: no image element, no dialog, right-to-left per message where Arabic.
    const xss = helper.locator('#messages .m-user .text', { hasText: XSS });
    expect(await xss.count()).toBe(1);
    expect(await helper.locator('#messages img').count()).toBe(0);
    expect(await helper.locator('.question span[dir="rtl"]').textContent()).toBe('أحتاج موعدا عند طبيب العائلة');

    // The user is told who joined; the helper replies; the user's page shows it live.
    await user.locator('.msg.bot', { hasText: 'Amal' }).waitFor();
    const reply = 'مرحبا، أنا أمل. سأساعدك في إيجاد طبيب عائلة.';
    await helper.locator('#reply').fill(reply);
    await helper.getByRole('button', { name: 'Versturen' }).click();
    const replyBubble = user.locator('.msg.bot', { hasText: reply });
    await replyBubble.waitFor();
    expect(await replyBubble.getAttribute('dir')).toBe('rtl');
    await expect.poll(() => helper.locator('#reply').inputValue()).toBe('');
    await helper.locator('#messages .m-helper', { hasText: reply }).waitFor();

    // And the other way: the user's next message appears in the open conversation without a reload.
    await user.locator('#input').fill('شكرا جزيلا! أسكن في حي كانالينايلاند.');
    await user.locator('#send').click();
    const live = helper.locator('#messages .m-user .text', { hasText: 'شكرا جزيلا' });
    await live.waitFor();
    expect(await live.getAttribute('dir')).toBe('rtl');
    await helper.locator('#messages li').last().scrollIntoViewIfNeeded();
    await helper.screenshot({ path: join(SHOTS, 'inbox-conversation.png'), fullPage: true });

    // Nothing the strict CSP refused, no script errors, no alert.
    expect(problems).toEqual([]);
    await user.close();
    await helper.close();
  });
});
