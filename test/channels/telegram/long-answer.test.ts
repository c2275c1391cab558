/**
 * An answer longer than Telegram's 4096-character limit, end to end: a copy of the mini content fixture whose
 * English "huisarts" body is just under the content limit (4096), so that title + body + sources exceed it.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MINI } from '../../helpers/engine.ts';
import { parsedLength } from '../../helpers/fake-telegram.ts';
import { buttonData, buttons, startTelegramApp, type TelegramTestApp, textOf } from '../../helpers/fake-telegram-app.ts';
import { tg } from '../../helpers/fake-telegram-updates.ts';

let t: TelegramTestApp;
let dir: string;
const sentence = 'The GP is your first stop & helps with <most> complaints. ';
const paragraphs = Array.from({ length: 9 }, (_, i) => `Paragraph ${i + 1}. ${sentence.repeat(7).trim()}`);
// Fill the last paragraph up to ~4090 characters of body (the content limit is 4096).
paragraphs[8] += ' Ask the assistant.'.repeat(Math.floor((4090 - paragraphs.join('\n\n').length) / 19));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wegwijs-long-'));
  cpSync(MINI, dir, { recursive: true });
  const body = paragraphs.map((p) => `  ${p}`).join('\n\n');
  writeFileSync(
    join(dir, 'topics', 'huisarts', 'en.yaml'),
    `title: The GP\nsummary: Your first stop when you are ill\nbody: |\n${body}\nquestions:\n  - how does the gp work\nkeywords: [gp, doctor, huisarts]\nreview:\n  status: reviewed\n  reviewed_by: Test Reviewer\n  reviewed_at: 2026-01-10\n`,
  );
  expect(paragraphs.join('\n\n').length).toBeGreaterThan(4070);
  expect(paragraphs.join('\n\n').length).toBeLessThanOrEqual(4096);
  t = await startTelegramApp({ CONTENT_DIR: dir });
});
afterAll(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('splits a long answer at paragraph boundaries into messages Telegram accepts, in order, menu after it', async () => {
  const user = { userId: 4001, languageCode: 'en' };
  const menu = await t.exchange(user.userId, tg.callback(user, 'lang:en'));
  const topics = await t.exchange(user.userId, tg.callback(user, buttonData(menu, 'cat:')));
  const out = await t.exchange(user.userId, tg.callback(user, buttonData(topics, 'topic:huisarts~')));
  const menuAt = out.findIndex((m) => buttons(m).some((b) => b.callback_data === 'nav:menu'));
  const answer = out.slice(0, menuAt);
  expect(answer).toHaveLength(2);
  expect(answer.map((m) => textOf(m).length).reduce((a, b) => a + b)).toBeGreaterThan(4096);
  for (const m of answer) {
    expect(parsedLength(textOf(m), 'HTML')).toBeLessThanOrEqual(4096);
    expect(buttons(m)).toEqual([]);
  }
  const joined = answer.map((m) => textOf(m).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).join('\n\n');
  for (const p of paragraphs) expect(joined).toContain(p);
  // The second piece starts at a paragraph, never mid-sentence.
  expect(textOf(answer[1])).toMatch(/^Paragraph \d+\./);
  expect(t.fake.calls.filter((c) => c.status === 400)).toEqual([]);
});
