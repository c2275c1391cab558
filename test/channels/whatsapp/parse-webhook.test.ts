import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../../../src/channels/whatsapp/parse-webhook.ts';
import { HELD_PAYLOAD, type WebhookBody } from '../../../src/channels/whatsapp/types.ts';
import { fixture, PHONE_ID, USER_A } from './harness.ts';

const NOW = Date.UTC(2026, 10, 22, 10);
const TS = Math.floor(NOW / 1000) - 5;
const parse = (name: string, vars: Record<string, string | number> = {}) =>
  parseWebhook(JSON.parse(fixture(name, { WAMID: 'wamid.TEST1', TS, ...vars })) as WebhookBody, PHONE_ID, NOW);
const first = (name: string, vars?: Record<string, string | number>) => parse(name, vars).messages[0];

describe('webhook payload → core inbound', () => {
  it('text keeps non-Latin text intact, with sender, id and send time', () => {
    expect(first('text-arabic')).toEqual({ wamid: 'wamid.TEST1', waId: USER_A, at: TS * 1000, payload: { kind: 'text', text: 'كيف أسجل عند طبيب العائلة؟' } });
    expect(first('text-tigrinya')?.payload).toEqual({ kind: 'text', text: 'ሰላም፣ ሓኪም ስድራ ከመይ ይርከብ?' });
  });

  it('button and list replies become core choices', () => {
    expect(first('interactive-button-reply', { CHOICE_ID: 'nav:menu', TITLE: 'Menu' })?.payload).toEqual({ kind: 'choice', id: 'nav:menu' });
    expect(first('interactive-list-reply', { CHOICE_ID: 'lang:ar', TITLE: 'العربية' })?.payload).toEqual({ kind: 'choice', id: 'lang:ar' });
  });

  it('location becomes a core location', () => {
    expect(first('location')?.payload).toEqual({ kind: 'location', lat: 52.0907, lon: 5.1214 });
  });

  it('voice, image and document become core media with the platform media id as ref', () => {
    expect(first('audio-voice')?.payload).toEqual({ kind: 'media', mediaType: 'voice', ref: '1234567890123456' });
    expect(first('image')?.payload).toEqual({ kind: 'media', mediaType: 'image', ref: '2345678901234567', caption: 'صورة الدواء' });
    expect(first('document')?.payload).toEqual({ kind: 'media', mediaType: 'document', ref: '3456789012345678' });
  });

  it('unsupported messages get the polite "cannot read this" answer; reactions are ignored on purpose', () => {
    expect(first('unsupported')?.payload).toEqual({ kind: 'media', mediaType: 'document' });
    const r = parse('reaction');
    expect(r.messages).toEqual([]);
    expect(r.ignored).toEqual(['reaction']);
  });

  it('the template quick reply releases held messages; another template button is plain text', () => {
    expect(first('template-button-reply', { PAYLOAD: HELD_PAYLOAD, TITLE: 'Lees het bericht' })?.payload).toEqual({ kind: 'held-tap' });
    expect(first('template-button-reply', { PAYLOAD: 'other', TITLE: 'Stop' })?.payload).toEqual({ kind: 'text', text: 'Stop' });
  });

  it('statuses carry their error code', () => {
    expect(parse('status', { STATUS: 'delivered' }).statuses).toEqual([{ wamid: 'wamid.TEST1', status: 'delivered', at: TS * 1000, errorCode: null }]);
    expect(parse('status-failed', { CODE: 131047 }).statuses[0]).toMatchObject({ status: 'failed', errorCode: '131047' });
    expect(parse('status', { STATUS: 'deleted' }).statuses).toEqual([]);
  });

  it('skips payloads for another phone number and malformed messages, never throws', () => {
    const other = parseWebhook(JSON.parse(fixture('text-arabic', { PHONE_NUMBER_ID: '999', WAMID: 'w' })) as WebhookBody, PHONE_ID, NOW);
    expect(other.messages).toEqual([]);
    expect(other.skipped).toBe(1);
    expect(parse('text-arabic', { FROM: '+31 6' }).messages).toEqual([]);
    expect(parseWebhook({ object: 'whatsapp_business_account', entry: 'x' } as unknown as WebhookBody, PHONE_ID, NOW).messages).toEqual([]);
    expect(
      parseWebhook(
        { entry: [{ changes: [null as never, { field: 'messages', value: { metadata: { phone_number_id: PHONE_ID }, messages: [null as never] } }] }] },
        PHONE_ID,
        NOW,
      ).skipped,
    ).toBe(1);
  });

  it('a timestamp in the future is capped at the time of receipt', () => {
    expect(first('text', { TEXT: 'hoi', TS: TS + 3600 })?.at).toBe(NOW);
  });
});
