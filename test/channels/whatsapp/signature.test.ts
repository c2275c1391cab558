import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeNonAscii, sign, verifySignature } from '../../../src/channels/whatsapp/signature.ts';
import { fixture, SECRET } from './harness.ts';

const hmac = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

describe('X-Hub-Signature-256', () => {
  for (const name of ['text-arabic', 'text-tigrinya']) {
    it(`accepts the signature over the raw body (${name})`, () => {
      const raw = fixture(name);
      expect(raw).toMatch(/[^\u0000-\u007f]/);
      expect(verifySignature(Buffer.from(raw), hmac(raw), SECRET)).toBe(true);
    });

    it(`accepts the signature over the \\uXXXX-escaped body (${name})`, () => {
      const raw = fixture(name);
      const escaped = escapeNonAscii(raw);
      expect(escaped).not.toMatch(/[^\u0000-\u007f]/);
      expect(JSON.parse(escaped)).toEqual(JSON.parse(raw));
      expect(hmac(escaped)).not.toBe(hmac(raw));
      expect(verifySignature(Buffer.from(raw), hmac(escaped), SECRET)).toBe(true);
    });
  }

  it('escapes with lower-case hex and surrogate pairs, as Meta signs', () => {
    expect(escapeNonAscii('ሰላም 👍 é')).toBe('\\u1230\\u120b\\u121d \\ud83d\\udc4d \\u00e9');
  });

  it('refuses a wrong secret, a changed body, a missing or malformed header', () => {
    const raw = fixture('text-arabic');
    const good = sign(Buffer.from(raw), SECRET);
    expect(verifySignature(Buffer.from(raw), good, SECRET)).toBe(true);
    expect(verifySignature(Buffer.from(raw), sign(Buffer.from(raw), 'another-secret'), SECRET)).toBe(false);
    expect(verifySignature(Buffer.from(raw.replace('طبيب', 'طبيبة')), good, SECRET)).toBe(false);
    expect(verifySignature(Buffer.from(raw), undefined, SECRET)).toBe(false);
    expect(verifySignature(Buffer.from(raw), good.slice(7), SECRET)).toBe(false);
    expect(verifySignature(Buffer.from(raw), `sha1=${good.slice(7)}`, SECRET)).toBe(false);
    expect(verifySignature(Buffer.from(raw), `${good}00`, SECRET)).toBe(false);
    expect(verifySignature(Buffer.from(raw), good.toUpperCase().replace('SHA256=', 'sha256='), SECRET)).toBe(true);
  });

  it('does not accept the escaped form of an ASCII-only body as something else', () => {
    const raw = fixture('location');
    expect(verifySignature(Buffer.from(raw), hmac(`${raw} `), SECRET)).toBe(false);
  });
});
