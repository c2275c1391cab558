/**
 * pino JSON logs with redaction. Message texts, platform ids, phone numbers and tokens are never logged:
 * callers log events and codes only, and these paths are redacted as a second line of defence.
 * @see https://getpino.io/#/docs/redaction
 */
import pino from 'pino';
import type { Logger } from './core/ports.ts';

export const REDACT_PATHS = [
  'text',
  '*.text',
  'body',
  '*.body',
  'message',
  'phone',
  '*.phone',
  'from',
  '*.from',
  'chat',
  '*.chat',
  'user',
  '*.user',
  'userId',
  '*.userId',
  'platformId',
  'token',
  '*.token',
  'secret',
  'password',
  '*.password',
  'headers',
  'req.headers',
  'address',
  '*.address',
  'wa_id',
  '*.wa_id',
  'waId',
  'chatId',
  'chat_id',
  'fromId',
  'recipient_id',
  '*.recipient_id',
  'userKey',
  '*.userKey',
  'authorization',
  'cookie',
  '*.headers',
  'caption',
  'note',
  // Error messages can quote input (a JSON parse error shows part of the body): log `err.name` and codes only.
  'err.message',
  'err.stack',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger & pino.Logger {
  return pino(
    {
      level,
      base: { app: 'wegwijs' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
