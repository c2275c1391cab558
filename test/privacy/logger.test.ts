/**
 * The second line of defence: even when a caller passes a field it should not, pino's redaction removes message
 * texts, platform ids, addresses, user keys, headers and error messages (which can quote input).
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger('trace', { write: (s: string) => void lines.push(s) }) };
}

describe('logger redaction', () => {
  it('censors identifying fields at the top level and one level down', () => {
    const { lines, logger } = capture();
    logger.warn(
      {
        event: 'test',
        text: 'لا أنام',
        message: { text: 'ሰላም', from: { id: 4242 }, chat: { id: 4242 } },
        phone: '31612345678',
        wa_id: '31612345678',
        userKey: 'abcUserKey',
        address: '31612345678',
        token: '123:secret',
        req: { headers: { cookie: 'wegwijs_sid=abc', authorization: 'Bearer x' } },
        payload: { text: 'nested text', userKey: 'nestedKey', recipient_id: '31612345678' },
        code: 131047,
      },
      'something happened',
    );
    const line = lines.join('');
    for (const leak of ['لا أنام', 'ሰላም', '4242', '31612345678', 'abcUserKey', '123:secret', 'wegwijs_sid', 'Bearer', 'nested text', 'nestedKey']) {
      expect(line).not.toContain(leak);
    }
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed).toMatchObject({ event: 'test', code: 131047, msg: 'something happened', text: '[redacted]' });
  });

  it('keeps an error type but not its message or stack (a JSON parse error quotes the body)', () => {
    const { lines, logger } = capture();
    let err: unknown;
    try {
      JSON.parse('{"text": "ik slaap slecht sinds');
    } catch (e) {
      err = e;
    }
    logger.error({ event: 'parse_failed', err }, 'failed');
    const line = lines.join('');
    expect(line).not.toContain('ik slaap slecht');
    expect(line).not.toContain('/work/');
    expect(JSON.parse(line)).toMatchObject({ err: { type: 'SyntaxError', message: '[redacted]' } });
  });
});
