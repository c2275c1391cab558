/**
 * Delivers rendered messages to one user, respecting the 24-hour customer-service window:
 * - inside the window, messages are sent in order and recorded (for status callbacks);
 * - outside it (by our own record of the user's last message, or because the platform answers 131047), the
 *   remaining messages are held and the approved template goes out instead; the held messages are released when
 *   the user writes again (see process-item.ts);
 * - rate limits (130429, 131056) and temporary errors stop the batch and report where to resume, so the caller
 *   can back off and retry without losing or repeating a message;
 * - other errors are logged with their code and counted, and the batch continues.
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows
 */
import type { Clock, Logger, Store } from '../../core/ports.ts';
import { type GraphClient, GraphError } from './graph-client.ts';
import { type MediaResolver, MediaUnavailableError } from './media.ts';
import { type TemplateConfig, templateLanguage, templateMessage } from './template.ts';
import type { WaMessage } from './types.ts';

export const WINDOW_MS = 24 * 3600 * 1000;
/** Treat the window as closed a little early: queues and clocks are not instant. */
const WINDOW_MARGIN_MS = 5 * 60 * 1000;

export type DeliverResult = { status: 'done' } | { status: 'retry'; retry: 'rate' | 'transient'; code: number | null };

export interface DeliveryDeps {
  graph: GraphClient;
  media: MediaResolver;
  store: Store;
  clock: Clock;
  logger: Logger;
  template: TemplateConfig;
  windowMs?: number;
  /** At most one template per user in this period while messages wait. */
  templateEveryMs?: number;
}

export interface DeliverArgs {
  userKey: string;
  address: string;
  locale: string;
  messages: WaMessage[];
  from: number;
  onSent(next: number): Promise<void>;
  /** Known open although our records say otherwise (the user just wrote and asked to be forgotten). */
  windowOpen?: boolean;
}

export function createDelivery(deps: DeliveryDeps) {
  const { store, logger } = deps;
  const windowMs = (deps.windowMs ?? WINDOW_MS) - WINDOW_MARGIN_MS;
  const templateEveryMs = deps.templateEveryMs ?? WINDOW_MS;

  /** Open when the user wrote recently and no template went out since (a template means we knew it had closed). */
  async function windowOpen(userKey: string): Promise<boolean> {
    const t = await store.contactTimes(userKey, 'whatsapp');
    if (t?.lastInboundAt == null || deps.clock.now() - t.lastInboundAt >= windowMs) return false;
    // Platform timestamps have whole seconds: a message in the same second as the template counts as an answer.
    return t.templateAt == null || t.templateAt < t.lastInboundAt + 1000;
  }

  async function failed(e: GraphError, event: string): Promise<void> {
    logger.warn({ event, code: e.code, status: e.status }, 'whatsapp send failed');
    await store.incrementCounter('whatsapp_send_failed', String(e.code ?? e.status), deps.clock.now());
  }

  /** Sends the template when messages are held and none was sent recently. */
  async function ensureTemplate(userKey: string, address: string, locale: string): Promise<DeliverResult> {
    if (!(await store.listHeld(userKey, 'whatsapp')).length) return { status: 'done' };
    const now = deps.clock.now();
    const t = await store.contactTimes(userKey, 'whatsapp');
    if (t?.templateAt != null && now - t.templateAt < templateEveryMs) return { status: 'done' };
    const lang = templateLanguage(deps.template, locale);
    const codes = lang.code === deps.template.fallback ? [lang.code] : [lang.code, deps.template.fallback];
    for (const code of codes) {
      const msg = templateMessage(deps.template, code);
      try {
        const wamid = await deps.graph.send(address, msg);
        await store.outboundRecord({ channel: 'whatsapp', messageId: wamid, userKey, payload: null, at: now });
        await store.contactNote(userKey, 'whatsapp', 'template', now);
        logger.info({ event: 'wa_template_sent', locale, language: code, fallback: code !== lang.code || lang.fallback }, 'template sent');
        return { status: 'done' };
      } catch (e) {
        if (!(e instanceof GraphError)) throw e;
        if (e.retry === 'rate' || e.retry === 'transient') return { status: 'retry', retry: e.retry, code: e.code };
        await failed(e, 'wa_template_failed');
      }
    }
    return { status: 'done' };
  }

  async function hold(userKey: string, messages: WaMessage[]): Promise<void> {
    const now = deps.clock.now();
    for (const m of messages) await store.holdMessage(userKey, 'whatsapp', JSON.stringify(m), now);
    logger.info({ event: 'wa_held', count: messages.length }, 'messages held until the user writes');
  }

  async function deliver(a: DeliverArgs): Promise<DeliverResult> {
    if (!a.windowOpen && !(await windowOpen(a.userKey))) {
      if (a.from < a.messages.length) await hold(a.userKey, a.messages.slice(a.from));
      await a.onSent(a.messages.length);
      return ensureTemplate(a.userKey, a.address, a.locale);
    }
    for (let i = a.from; i < a.messages.length; i++) {
      const msg = a.messages[i] as WaMessage;
      try {
        const wamid = await deps.graph.send(a.address, await deps.media.resolve(msg));
        await store.outboundRecord({ channel: 'whatsapp', messageId: wamid, userKey: a.userKey, payload: JSON.stringify(msg), at: deps.clock.now() });
      } catch (e) {
        if (e instanceof MediaUnavailableError) {
          logger.warn({ event: 'wa_media_unavailable' }, 'media file missing; skipped');
          await store.incrementCounter('whatsapp_send_failed', 'media_missing', deps.clock.now());
        } else if (!(e instanceof GraphError)) {
          throw e;
        } else if (e.retry === 'rate' || e.retry === 'transient') {
          logger.warn({ event: e.retry === 'rate' ? 'wa_rate_limited' : 'wa_send_retry', code: e.code, status: e.status }, 'send deferred');
          return { status: 'retry', retry: e.retry, code: e.code };
        } else if (e.retry === 'window') {
          await hold(a.userKey, a.messages.slice(i));
          await a.onSent(a.messages.length);
          return ensureTemplate(a.userKey, a.address, a.locale);
        } else {
          await failed(e, 'wa_send_failed');
        }
      }
      await a.onSent(i + 1);
    }
    return { status: 'done' };
  }

  return { deliver, ensureTemplate, windowOpen };
}

export type Delivery = ReturnType<typeof createDelivery>;
