/**
 * Processes one claimed intake row: runs the engine for an inbound message (once: the engine also de-duplicates
 * by wamid), renders the answer, stores the rendered messages on the row, then delivers them from where the last
 * attempt stopped. Held messages are released first whenever the window is open again, so the user reads them
 * in the order they were written.
 */
import type { Engine } from '../../core/engine.ts';
import type { Outbound } from '../../core/messages.ts';
import type { I18n, IntakeItem, Logger, Store } from '../../core/ports.ts';
import { parseSession } from '../../core/session.ts';
import type { DeliverResult, Delivery } from './delivery.ts';
import { LIMITS } from './limits.ts';
import type { StoredInbound } from './parse-webhook.ts';
import { fallbackName, type TemplateConfig, templateLanguage } from './template.ts';
import type { WaMessage } from './types.ts';

export interface ProcessorDeps {
  store: Store;
  engine: Engine;
  delivery: Delivery;
  render(out: Outbound[]): WaMessage[];
  i18n: I18n;
  logger: Logger;
  template: TemplateConfig;
  /** Locale used before a user has chosen one. */
  defaultLocale: string;
}

export function createProcessor(deps: ProcessorDeps) {
  const { store, logger } = deps;

  async function localeOf(userKey: string): Promise<string> {
    const row = await store.getSession(userKey);
    return (row && parseSession(row.data)?.locale) || deps.defaultLocale;
  }

  /** Held messages to send now, led by a note when the template went out in a fallback language. */
  async function release(userKey: string, locale: string): Promise<{ ids: number[]; messages: WaMessage[] }> {
    const held = await store.listHeld(userKey, 'whatsapp');
    if (!held.length) return { ids: [], messages: [] };
    const messages = held.map((h) => JSON.parse(h.payload) as WaMessage);
    const lang = templateLanguage(deps.template, locale);
    if (lang.fallback) {
      const note = `ℹ️ ${deps.i18n.t(locale, 'whatsapp.template_fallback', { language: fallbackName(lang.code) })}`;
      const first = messages[0];
      if (first?.type === 'text' && note.length + 2 + first.text.body.length <= LIMITS.text)
        messages[0] = { type: 'text', text: { body: `${note}\n\n${first.text.body}` } };
      else messages.unshift({ type: 'text', text: { body: note } });
    }
    logger.info({ event: 'wa_released', count: held.length }, 'held messages released');
    return { ids: held.map((h) => h.id), messages };
  }

  async function answer(item: IntakeItem): Promise<Outbound[]> {
    if (item.kind === 'push') return JSON.parse(item.payload) as Outbound[];
    if (item.kind !== 'in') return [];
    const payload = JSON.parse(item.payload) as StoredInbound;
    if (payload.kind === 'held-tap') return [];
    return deps.engine.handle({ ...payload, channel: 'whatsapp', userKey: item.userKey, messageId: item.messageId });
  }

  /** Computes what to send for a new row and stores it on the row; returns the rendered messages. */
  async function prepare(item: IntakeItem): Promise<WaMessage[]> {
    // A notify row exists because the platform refused a message: releasing held messages now would fail again.
    const open = item.kind !== 'notify' && (await deps.delivery.windowOpen(item.userKey));
    const out = await answer(item);
    const locale = await localeOf(item.userKey);
    const released = open ? await release(item.userKey, locale) : { ids: [], messages: [] };
    let rendered = deps.render(out);
    if (item.kind === 'in' && JSON.parse(item.payload).kind === 'held-tap' && !released.ids.length) {
      // Tapped the notice after the messages were already delivered: show the menu instead of nothing.
      rendered = deps.render(await deps.engine.handle({ kind: 'command', command: 'menu', channel: 'whatsapp', userKey: item.userKey }));
    }
    const messages = [...released.messages, ...rendered];
    await store.intakeUpdate(item.id, { state: 'ready', outbound: JSON.stringify(messages), sent: 0 });
    if (released.ids.length) await store.deleteHeld(released.ids);
    return messages;
  }

  /** Processes the row; returns the delivery result so the worker can back off when asked to. */
  return async function processItem(item: IntakeItem): Promise<DeliverResult> {
    const addr = await store.getAddress(item.userKey);
    if (addr?.channel !== 'whatsapp') {
      logger.warn({ event: 'wa_no_address', kind: item.kind }, 'no WhatsApp address for this user; row dropped');
      await store.intakeUpdate(item.id, { state: 'failed' });
      // Every inbound row saves the address first, so a missing one means the user was forgotten (or aged out):
      // remove what this row still links to them (its wamid encodes the phone number).
      await store.forgetUser(item.userKey);
      return { status: 'done' };
    }
    const messages = item.state === 'new' ? await prepare(item) : (JSON.parse(item.outbound ?? '[]') as WaMessage[]);
    // "Forget me" in this very message deleted the address and contact times. The user just wrote, so the reply
    // window is open: confirm normally (never a template), then remove the traces the confirmation itself left.
    const forgotten = item.kind === 'in' && !(await store.getAddress(item.userKey));
    const from = item.state === 'new' ? 0 : item.sent;
    const locale = await localeOf(item.userKey);
    const result =
      item.kind === 'notify'
        ? await deps.delivery.ensureTemplate(item.userKey, addr.address, locale)
        : await deps.delivery.deliver({
            userKey: item.userKey,
            address: addr.address,
            locale,
            messages,
            from,
            onSent: (next) => store.intakeUpdate(item.id, { sent: next }),
            ...(forgotten ? { windowOpen: true } : {}),
          });
    if (result.status === 'done') {
      await store.intakeUpdate(item.id, { state: 'done' });
      if (forgotten) await store.forgetUser(item.userKey);
    }
    return result;
  };
}

export type Processor = ReturnType<typeof createProcessor>;
