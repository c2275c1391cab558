/** The per-chat sender against the fake Bot API: uploads, order, and what happens when Telegram refuses. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot } from '../../../src/channels/telegram/bot.ts';
import { createTelegramSender, type TelegramSender } from '../../../src/channels/telegram/sender.ts';
import type { Outbound } from '../../../src/core/messages.ts';
import type { Logger } from '../../../src/core/ports.ts';
import { type FakeTelegram, startFakeTelegram } from '../../helpers/fake-telegram.ts';

let fake: FakeTelegram;
let mediaDir: string;
const logged: { event?: string; code?: unknown }[] = [];
const logger: Logger = { debug() {}, info() {}, warn: (o) => void logged.push(o as never), error: (o) => void logged.push(o as never) };
const newSender = (callTimeoutMs?: number): TelegramSender =>
  createTelegramSender({
    api: createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot }).api,
    logger,
    ...(callTimeoutMs ? { callTimeoutMs } : {}),
    render: { mediaDir, t: () => '📍' },
  });
const text = (s: string): Outbound => ({ kind: 'text', text: s, lang: 'en', dir: 'ltr' });

beforeAll(async () => {
  fake = await startFakeTelegram();
  mediaDir = mkdtempSync(join(tmpdir(), 'wegwijs-media-'));
  writeFileSync(join(mediaDir, 'huisarts-ar.mp3'), Buffer.alloc(2048, 1));
  writeFileSync(join(mediaDir, 'huisarts.png'), Buffer.alloc(512, 2));
});
afterAll(async () => {
  await fake.close();
  rmSync(mediaDir, { recursive: true, force: true });
});

describe('telegram sender', () => {
  it('uploads content media as audio and photo files with an escaped, direction-marked caption', async () => {
    const sender = newSender();
    await sender.deliver(10, [
      { kind: 'media', mediaType: 'audio', url: '/media/huisarts-ar.mp3', caption: 'الطبيب <العام>', lang: 'ar', dir: 'rtl' },
      { kind: 'media', mediaType: 'image', url: '/media/huisarts.png', lang: 'nl', dir: 'ltr' },
      { kind: 'media', mediaType: 'voice', url: '/media/missing.ogg', lang: 'nl', dir: 'ltr' },
    ]);
    const [audio] = fake.ok('sendAudio');
    expect(audio?.files.audio).toEqual({ filename: 'huisarts-ar.mp3', size: 2048 });
    expect(audio?.params.caption).toBe('\u200Fالطبيب &lt;العام&gt;');
    expect(audio?.params.parse_mode).toBe('HTML');
    expect(fake.ok('sendPhoto')[0]?.files.photo?.size).toBe(512);
    expect(fake.ok('sendVoice')).toHaveLength(0);
    expect(logged.some((l) => l.event === 'telegram_media_missing')).toBe(true);
  });

  it('keeps the order of one chat even when the first batch is still being computed', async () => {
    const sender = newSender();
    let release: (m: Outbound[]) => void = () => {};
    const slow = new Promise<Outbound[]>((r) => (release = r));
    const first = sender.deliver(11, slow);
    const second = sender.deliver(11, [text('second')]);
    const other = sender.deliver(12, [text('other chat')]);
    await other;
    expect(fake.ok('sendMessage').filter((c) => c.params.chat_id === 11)).toHaveLength(0);
    release([text('first')]);
    await Promise.all([first, second]);
    expect(
      fake
        .ok('sendMessage')
        .filter((c) => c.params.chat_id === 11)
        .map((c) => c.params.text),
    ).toEqual(['first', 'second']);
  });

  it('stops a batch when the user blocked the bot (403) and goes on with the next one', async () => {
    const sender = newSender();
    fake.failNext(1, { code: 403 }, 'sendMessage');
    await sender.deliver(13, [text('a'), text('b')]);
    await sender.deliver(13, [text('c')]);
    expect(
      fake
        .ok('sendMessage')
        .filter((c) => c.params.chat_id === 13)
        .map((c) => c.params.text),
    ).toEqual(['c']);
    expect(logged.some((l) => l.event === 'telegram_send_failed' && l.code === 403)).toBe(true);
  });

  it('skips a message Telegram rejects (400) and still sends the rest', async () => {
    const sender = newSender();
    fake.failNext(1, { code: 400, description: 'Bad Request: chat not found' }, 'sendMessage');
    await sender.deliver(14, [text('x'), text('y')]);
    expect(
      fake
        .ok('sendMessage')
        .filter((c) => c.params.chat_id === 14)
        .map((c) => c.params.text),
    ).toEqual(['y']);
  });

  it('close() gives up on a long flood wait instead of hanging shutdown', async () => {
    const sender = newSender();
    fake.failNext(1, { code: 429, retryAfter: 30 }, 'sendMessage');
    const delivered = sender.deliver(15, [text('late')]);
    await fake.waitFor(() => fake.calls.some((c) => c.status === 429 && c.params.chat_id === 15));
    const started = Date.now();
    await sender.close(100);
    await delivered;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(fake.ok('sendMessage').filter((c) => c.params.chat_id === 15)).toHaveLength(0);
  });

  it('bounds how long one call may keep retrying', async () => {
    const sender = newSender(300);
    fake.failNext(1, { code: 429, retryAfter: 5 }, 'sendMessage');
    const started = Date.now();
    await sender.deliver(16, [text('gives up'), text('next')]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(
      fake
        .ok('sendMessage')
        .filter((c) => c.params.chat_id === 16)
        .map((c) => c.params.text),
    ).toEqual(['next']);
  });
});
