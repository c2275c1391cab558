/**
 * Property tests: hostile input on the WhatsApp webhook parser and endpoint. At least 10,000 generated bodies per run
 * (random Unicode, huge strings, deep JSON, wrong types; over HTTP also truncated bodies). Invariants: no throw, no
 * 500, no unhandled rejection, every message and status is accounted for (queued, ignored on purpose or skipped as
 * malformed), every accepted message gets a reply from the engine, memory stays bounded.
 */
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhook } from '../../src/channels/whatsapp/parse-webhook.ts';
import { createWebhookRouter } from '../../src/channels/whatsapp/routes.ts';
import { sign } from '../../src/channels/whatsapp/signature.ts';
import type { WebhookBody } from '../../src/channels/whatsapp/types.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { captureLogger, testEngine } from '../helpers/engine.ts';
import { deep, failOnUnhandledRejections, huge, maybe, RUNS, retainedMb, textArb, unicode } from './support.ts';

const PHONE_ID = '106540352242922';
failOnUnhandledRejections();

const waMessage = fc.record(
  {
    id: maybe(fc.oneof(fc.stringMatching(/^wamid\.[A-Za-z0-9=]{10,40}$/), unicode)),
    from: maybe(fc.oneof(fc.stringMatching(/^\d{8,15}$/), unicode)),
    timestamp: maybe(fc.oneof(fc.nat().map(String), unicode)),
    type: maybe(
      fc.constantFrom(
        'text',
        'interactive',
        'button',
        'location',
        'audio',
        'voice',
        'image',
        'sticker',
        'document',
        'video',
        'reaction',
        'system',
        'unsupported',
        'contacts',
        'order',
      ),
    ),
    text: maybe(fc.record({ body: maybe(textArb) })),
    interactive: maybe(
      fc.record({ button_reply: maybe(fc.record({ id: maybe(unicode) })), list_reply: maybe(fc.record({ id: maybe(unicode) })) }, { requiredKeys: [] }),
    ),
    button: maybe(fc.record({ payload: maybe(unicode), text: maybe(unicode) })),
    location: maybe(fc.record({ latitude: maybe(fc.double()), longitude: maybe(fc.double()) })),
    audio: maybe(fc.record({ id: maybe(unicode), voice: maybe(fc.boolean()) })),
    image: maybe(fc.record({ id: maybe(unicode), caption: maybe(unicode) })),
    document: maybe(fc.record({ id: maybe(unicode), caption: maybe(huge) })),
  },
  { requiredKeys: [] },
);
const waStatus = fc.record(
  {
    id: maybe(fc.stringMatching(/^wamid\.[A-Za-z0-9=]{10,40}$/)),
    status: maybe(fc.constantFrom('sent', 'delivered', 'read', 'failed', 'deleted')),
    timestamp: maybe(fc.nat().map(String)),
    recipient_id: maybe(unicode),
    errors: maybe(fc.array(fc.record({ code: maybe(fc.integer()), title: maybe(unicode) }), { maxLength: 2 })),
  },
  { requiredKeys: [] },
);
const waValue = fc.record(
  {
    messaging_product: maybe(fc.constant('whatsapp')),
    metadata: maybe(fc.record({ phone_number_id: maybe(fc.constantFrom(PHONE_ID, PHONE_ID, '999')) })),
    contacts: maybe(fc.array(fc.record({ wa_id: maybe(unicode), profile: maybe(fc.record({ name: unicode })) }), { maxLength: 2 })),
    messages: maybe(fc.array(maybe(waMessage), { maxLength: 4 })),
    statuses: maybe(fc.array(maybe(waStatus), { maxLength: 3 })),
    errors: maybe(fc.array(fc.record({ code: maybe(fc.integer()) }), { maxLength: 2 })),
  },
  { requiredKeys: [] },
);
/** Well-formed envelopes around hostile messages, so that thousands of messages reach the engine. */
const waValid = fc.record({
  object: fc.constant('whatsapp_business_account'),
  entry: fc.array(
    fc.record({
      id: fc.constant('102290129340398'),
      changes: fc.array(
        fc.record({
          field: fc.constant('messages'),
          value: fc.record({
            metadata: fc.constant({ phone_number_id: PHONE_ID }),
            messages: fc.array(
              fc.record({
                id: fc.stringMatching(/^wamid\.[A-Za-z0-9=]{6,30}$/),
                from: fc.stringMatching(/^\d{8,15}$/),
                timestamp: fc.nat().map(String),
                type: fc.constantFrom('text', 'text', 'text', 'interactive', 'button', 'location', 'voice', 'image', 'document', 'reaction', 'order'),
                text: fc.record({ body: maybe(textArb) }),
                interactive: maybe(
                  fc.record({ button_reply: fc.record({ id: maybe(fc.oneof(unicode, fc.constantFrom('lang:ti', 'nav:menu', 'forget:yes'))) }) }),
                ),
                button: maybe(fc.record({ payload: maybe(unicode), text: maybe(unicode) })),
                location: maybe(fc.record({ latitude: maybe(fc.double()), longitude: maybe(fc.double()) })),
                image: maybe(fc.record({ id: maybe(unicode), caption: maybe(fc.oneof(unicode, huge)) })),
              }),
              { minLength: 1, maxLength: 3 },
            ),
          }),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    }),
    { minLength: 1, maxLength: 2 },
  ),
});
const waBody = fc.oneof(
  { weight: 5, arbitrary: waValid },
  { weight: 1, arbitrary: fc.object() },
  { weight: 1, arbitrary: deep.map((d) => ({ object: 'whatsapp_business_account', entry: [d] })) },
  {
    weight: 8,
    arbitrary: fc.record(
      {
        object: maybe(fc.constant('whatsapp_business_account')),
        entry: maybe(
          fc.array(
            maybe(
              fc.record({
                id: maybe(unicode),
                changes: maybe(
                  fc.array(maybe(fc.record({ field: maybe(fc.constantFrom('messages', 'messages', 'account_update')), value: maybe(waValue) })), {
                    maxLength: 3,
                  }),
                ),
              }),
            ),
            { maxLength: 3 },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
  },
);

/** How many messages and statuses a body offers for our phone number (each must be handled, ignored or skipped). */
function offered(body: WebhookBody): number {
  let n = 0;
  for (const entry of Array.isArray(body.entry) ? body.entry : []) {
    const changes = entry && typeof entry === 'object' ? (entry as { changes?: unknown }).changes : undefined;
    for (const c of Array.isArray(changes) ? (changes as { field?: unknown; value?: unknown }[]) : []) {
      if (!c || typeof c !== 'object' || c.field !== 'messages' || !c.value || typeof c.value !== 'object') continue;
      const v = c.value as { metadata?: { phone_number_id?: unknown }; messages?: unknown; statuses?: unknown };
      if ((v.metadata && typeof v.metadata === 'object' ? v.metadata.phone_number_id : undefined) !== PHONE_ID) {
        n++;
        continue;
      }
      n += (Array.isArray(v.messages) ? v.messages.length : 0) + (Array.isArray(v.statuses) ? v.statuses.length : 0);
    }
  }
  return n;
}

describe('fuzz: WhatsApp webhooks', () => {
  it(`parses every body without throwing and accounts for every message; each accepted one gets a reply (${RUNS} inputs)`, async () => {
    const t = await testEngine();
    const before = retainedMb();
    let accepted = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(waBody, async (body) => {
        const parsed = parseWebhook(body as WebhookBody, PHONE_ID, 1_800_000_000_000);
        if (parsed.messages.length + parsed.ignored.length + parsed.statuses.length + parsed.skipped !== offered(body as WebhookBody)) return false;
        for (const m of parsed.messages) {
          if (!/^\d{5,20}$/.test(m.waId) || !Number.isFinite(m.at) || m.at > 1_800_000_000_000) return false;
          if (m.payload.kind === 'held-tap') continue;
          if (m.payload.kind === 'location' && !(Math.abs(m.payload.lat) <= 90 && Math.abs(m.payload.lon) <= 180)) return false;
          t.clock.t += 3_000;
          const redelivered = seen.has(m.wamid);
          seen.add(m.wamid);
          const out = await t.engine.handle({ ...m.payload, channel: 'whatsapp', userKey: `wa-${m.waId.slice(-3)}`, messageId: m.wamid });
          accepted++;
          // A redelivered wamid is deliberately answered with nothing; everything else gets a reply.
          if (out.length === 0 && !redelivered) return false;
        }
        return parsed.statuses.every((s) => ['sent', 'delivered', 'read', 'failed'].includes(s.status));
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS);
    expect(retainedMb() - before).toBeLessThan(64); // measured: under 10 MB
  });

  describe('over HTTP (signed, truncated and garbage bodies)', () => {
    let url = '';
    let server: ReturnType<ReturnType<typeof createHttpApp>['listen']>;
    const stored: number[] = [];
    beforeAll(async () => {
      const router = createWebhookRouter({
        appSecret: 'fuzz-secret',
        verifyToken: 'fuzz-verify',
        phoneNumberId: PHONE_ID,
        intake: async (p) => {
          stored.push(p.messages.length);
          return { stored: p.messages.length, duplicates: 0, statuses: p.statuses.length };
        },
        clock: { now: () => Date.now() },
        logger: captureLogger(),
        onStored: () => {},
        limit: '256kb',
      });
      server = createHttpApp({ logger: captureLogger(), readiness: { check: async () => ({ ok: true }) }, routers: [router] }).listen(0, '127.0.0.1');
      await new Promise<void>((r) => server.once('listening', () => r()));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });

    it('answers 200, 400 or 413, never 500 (1,000 requests)', async () => {
      await fc.assert(
        fc.asyncProperty(waBody, fc.nat(), fc.boolean(), async (body, cut, truncate) => {
          const full = JSON.stringify(body) ?? 'null';
          const raw = Buffer.from(truncate ? full.slice(0, cut % (full.length + 1)) : full);
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw, 'fuzz-secret') },
            body: raw,
          });
          const text = await res.text();
          return [200, 400, 413].includes(res.status) && !/at \w+ \(|\/src\//.test(text);
        }),
        { numRuns: 1_000 },
      );
      expect(stored.length).toBeGreaterThan(100);
    });
  });
});
