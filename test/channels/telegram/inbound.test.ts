import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { localeFromHint } from '../../../src/channels/telegram/bot-commands.ts';
import { translateUpdate } from '../../../src/channels/telegram/inbound.ts';
import { tg } from '../../helpers/fake-telegram-updates.ts';

const u = { userId: 777, languageCode: 'ar' };
const tr = (update: unknown) => translateUpdate(update as Update, 'wegwijs_test_bot');

describe('telegram inbound: updates → core messages', () => {
  it('maps the six commands, with the bot name suffix and deep-link payload, to core commands', () => {
    for (const c of ['start', 'menu', 'language', 'help', 'person', 'forget']) {
      expect(tr(tg.text(u, `/${c}`))).toMatchObject({ kind: 'inbound', payload: { kind: 'command', command: c }, localeHint: 'ar' });
    }
    expect(tr(tg.text(u, '/START@wegwijs_test_bot campaign1'))).toMatchObject({ payload: { kind: 'command', command: 'start', args: 'campaign1' } });
    expect(tr(tg.text(u, '/start@some_other_bot'))).toMatchObject({ kind: 'ignore' });
  });

  it('maps texts, button presses, locations and media', () => {
    expect(tr(tg.text(u, 'waar is de huisarts?'))).toMatchObject({
      kind: 'inbound',
      chatId: 777,
      fromId: 777,
      payload: { kind: 'text', text: 'waar is de huisarts?' },
    });
    expect(tr(tg.callback(u, 'cat:mind~ab12'))).toMatchObject({
      kind: 'inbound',
      payload: { kind: 'choice', id: 'cat:mind~ab12' },
      callbackQueryId: expect.any(String),
    });
    expect(tr(tg.location(u, 52.09, 5.12))).toMatchObject({ payload: { kind: 'location', lat: 52.09, lon: 5.12 } });
    expect(tr(tg.voice(u))).toMatchObject({ payload: { kind: 'media', mediaType: 'voice', ref: 'voice-file' } });
    expect(tr(tg.photo(u, 'my letter'))).toMatchObject({ payload: { kind: 'media', mediaType: 'image', ref: 'big', caption: 'my letter' } });
    expect(tr(tg.document(u))).toMatchObject({ payload: { kind: 'media', mediaType: 'document' } });
    expect(tr(tg.sticker(u))).toMatchObject({ payload: { kind: 'media', mediaType: 'image' } });
  });

  it('decides deliberately about everything else', () => {
    expect(tr(tg.contact(u))).toMatchObject({ kind: 'unsupported', chatId: 777 });
    expect(tr(tg.edited(u, 'typo fixed'))).toEqual({ kind: 'ignore', reason: 'edited_message' });
    expect(tr(tg.channelPost(-100123, 'news'))).toEqual({ kind: 'ignore', reason: 'channel_post' });
    expect(tr(tg.group(u, -4242, '/start'))).toMatchObject({ kind: 'group', chatId: -4242 });
    expect(tr({ update_id: 1, my_chat_member: {} })).toMatchObject({ kind: 'ignore', reason: 'my_chat_member' });
    expect(tr({ update_id: 1, poll: {} })).toMatchObject({ kind: 'ignore', reason: 'unsupported_update' });
  });

  it('maps Telegram language codes to wegwijs locales for its own notices', () => {
    expect(localeFromHint('ar')).toBe('ar');
    expect(localeFromHint('uk-UA')).toBe('uk');
    expect(localeFromHint('fa-AF')).toBe('prs');
    expect(localeFromHint('pt-br')).toBe('en');
    expect(localeFromHint(undefined)).toBe('en');
  });
});
