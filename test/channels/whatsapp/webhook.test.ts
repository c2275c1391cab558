import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeNonAscii } from '../../../src/channels/whatsapp/signature.ts';
import { fixture, type Harness, nextWamid, SECRET, startHarness, VERIFY } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  // The worker is not started: these tests look at what the webhook stores and answers.
  h = await startHarness({ start: false });
});
afterAll(async () => {
  await h.close();
});

const verify = (q: Record<string, string>) => fetch(`${h.url}/webhooks/whatsapp?${new URLSearchParams(q)}`);
const counts = () => h.store.intakeCounts('whatsapp');

describe('GET /webhooks/whatsapp (subscription check)', () => {
  it('answers the raw challenge for subscribe with the right verify token', async () => {
    const r = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY, 'hub.challenge': '1158201444' });
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('1158201444');
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('refuses a wrong token, a wrong mode or a missing challenge with 403', async () => {
    expect((await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong-token-12', 'hub.challenge': '1' })).status).toBe(403);
    expect((await verify({ 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY, 'hub.challenge': '1' })).status).toBe(403);
    expect((await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY })).status).toBe(403);
    expect((await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY, 'hub.challenge': '<script>' })).status).toBe(200);
    expect((await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY, 'hub.challenge': 'a b' })).status).toBe(403);
  });
});

describe('POST /webhooks/whatsapp', () => {
  it('stores a correctly signed message and answers 200', async () => {
    const before = (await counts()).new;
    expect((await h.send('text-arabic')).status).toBe(200);
    expect((await counts()).new).toBe(before + 1);
  });

  it('accepts signatures over the \\uXXXX-escaped body for Arabic and Tigrinya text', async () => {
    for (const name of ['text-arabic', 'text-tigrinya']) {
      const raw = fixture(name, { WAMID: nextWamid() });
      const before = (await counts()).new;
      const sig = `sha256=${createHmac('sha256', SECRET).update(escapeNonAscii(raw)).digest('hex')}`;
      expect(await h.post(raw, sig)).toBe(200);
      expect((await counts()).new).toBe(before + 1);
    }
  });

  it('a bad or missing signature gives 401 and nothing is processed or stored', async () => {
    const before = await counts();
    const raw = fixture('text-tigrinya', { WAMID: nextWamid() });
    expect(await h.post(raw, null)).toBe(401);
    expect(await h.post(raw, `sha256=${'0'.repeat(64)}`)).toBe(401);
    expect(await h.post(raw, 'garbage')).toBe(401);
    const forged = `sha256=${createHmac('sha256', 'not-the-secret').update(raw).digest('hex')}`;
    expect(await h.post(raw, forged)).toBe(401);
    expect(await counts()).toEqual(before);
    expect(h.logger.lines.some((l) => (l.obj as { event?: string }).event === 'wa_bad_signature')).toBe(true);
  });

  it('signed but invalid JSON gives 400, a body over the limit 413', async () => {
    expect(await h.post('{"object": "whatsapp_business_account", ')).toBe(400);
    expect(await h.post('[1,2]')).toBe(400);
    const big = JSON.stringify({ object: 'whatsapp_business_account', pad: 'x'.repeat(70_000) });
    expect(await h.post(big)).toBe(413);
  });

  it('answers 200 to other objects and foreign phone numbers without storing them', async () => {
    const before = await counts();
    expect(await h.post(JSON.stringify({ object: 'page', entry: [] }))).toBe(200);
    expect((await h.send('text', { TEXT: 'hallo', PHONE_NUMBER_ID: '999999' })).status).toBe(200);
    expect(await counts()).toEqual(before);
  });

  it('never logs message text, phone numbers or the secret', async () => {
    await h.send('text', { TEXT: 'geheime vraag over mijn gezondheid' });
    const logged = JSON.stringify(h.logger.lines);
    expect(logged).not.toContain('geheime vraag');
    expect(logged).not.toContain('15555550101');
    expect(logged).not.toContain(SECRET);
  });
});
