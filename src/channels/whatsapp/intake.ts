/**
 * Durable intake: stores every inbound message of a verified webhook (deduplicated by wamid through a unique
 * constraint) and applies status callbacks, before the webhook is answered 200. Processing happens later in the
 * worker, so a crash after the 200 loses nothing and a redelivery is processed once.
 * A message the platform refused outside the 24-hour window (status `failed`, code 131047) is held and a
 * `notify` row asks the worker to send the template.
 */
import type { Clock, Logger, Store } from '../../core/ports.ts';
import type { UserKeyFn } from '../../privacy/user-key.ts';
import { OUTSIDE_WINDOW_CODE } from './graph-client.ts';
import type { ParsedWebhook } from './parse-webhook.ts';

export interface IntakeDeps {
  store: Store;
  userKey: UserKeyFn;
  clock: Clock;
  logger: Logger;
}

export interface IntakeResult {
  stored: number;
  duplicates: number;
  statuses: number;
}

export function createIntake(deps: IntakeDeps) {
  const { store, logger } = deps;
  return async function accept(parsed: ParsedWebhook): Promise<IntakeResult> {
    const now = deps.clock.now();
    const res: IntakeResult = { stored: 0, duplicates: 0, statuses: 0 };
    for (const m of parsed.messages) {
      const userKey = deps.userKey('whatsapp', m.waId);
      await store.saveAddress(userKey, 'whatsapp', m.waId, now);
      await store.contactNote(userKey, 'whatsapp', 'inbound', m.at);
      const added = await store.intakeAdd({ channel: 'whatsapp', messageId: m.wamid, userKey, kind: 'in', payload: JSON.stringify(m.payload), at: now });
      if (added) res.stored++;
      else res.duplicates++;
    }
    for (const s of parsed.statuses) {
      const before = s.status === 'failed' ? await store.getOutbound('whatsapp', s.wamid) : undefined;
      const rec = await store.outboundStatus('whatsapp', s.wamid, s.status, s.at, s.errorCode);
      res.statuses++;
      // A repeated "failed" callback is counted and held once.
      if (s.status !== 'failed' || before?.status === 'failed') continue;
      logger.warn({ event: 'wa_status_failed', code: s.errorCode, known: Boolean(rec) }, 'message delivery failed');
      await store.incrementCounter('whatsapp_failed', s.errorCode ?? 'unknown', now);
      if (rec && s.errorCode === String(OUTSIDE_WINDOW_CODE) && rec.payload) {
        await store.holdMessage(rec.userKey, 'whatsapp', rec.payload, rec.createdAt);
        await store.intakeAdd({ channel: 'whatsapp', messageId: `notify:${s.wamid}`, userKey: rec.userKey, kind: 'notify', payload: '', at: now });
      }
    }
    if (res.duplicates) logger.info({ event: 'wa_duplicate', count: res.duplicates }, 'duplicate webhook delivery ignored');
    for (const type of parsed.ignored) logger.debug({ event: 'wa_ignored', type }, 'message type ignored on purpose');
    for (const code of parsed.errorCodes) logger.warn({ event: 'wa_webhook_error', code }, 'platform reported an error');
    return res;
  };
}

export type Intake = ReturnType<typeof createIntake>;
