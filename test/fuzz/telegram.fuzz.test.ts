/**
 * Property tests: hostile input on the Telegram update translator and update handler. At least 10,000 generated
 * inputs each per run (random Unicode, huge strings, deep JSON, wrong types). Invariants: no throw, no unhandled
 * rejection, every update ends in a decision (handled, a notice, or a deliberate ignore), every accepted message gets
 * a reply from the engine, memory stays bounded.
 */
import fc from 'fast-check';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { translateUpdate } from '../../src/channels/telegram/inbound.ts';
import { createUpdateHandler } from '../../src/channels/telegram/update-handler.ts';
import type { Outbound } from '../../src/core/messages.ts';
import { createUserKeys } from '../../src/privacy/user-key.ts';
import { captureLogger, testEngine } from '../helpers/engine.ts';
import { deep, failOnUnhandledRejections, maybe, RUNS, retainedMb, textArb, unicode } from './support.ts';

failOnUnhandledRejections();

const tgUser = fc.record(
  {
    id: maybe(fc.integer({ min: 1, max: 2 ** 40 })),
    is_bot: maybe(fc.boolean()),
    first_name: maybe(unicode),
    language_code: maybe(fc.constantFrom('ar', 'ti', 'fa-AF', 'pt-br', 'xx')),
  },
  { requiredKeys: [] },
);
const tgChat = fc.record(
  { id: maybe(fc.integer({ min: -(2 ** 40), max: 2 ** 40 })), type: maybe(fc.constantFrom('private', 'group', 'supergroup', 'channel')) },
  { requiredKeys: [] },
);
const tgMessage = fc.record(
  {
    message_id: maybe(fc.nat()),
    date: maybe(fc.nat()),
    chat: maybe(tgChat),
    from: maybe(tgUser),
    text: maybe(textArb),
    caption: maybe(unicode),
    location: maybe(fc.record({ latitude: maybe(fc.double()), longitude: maybe(fc.double()) })),
    voice: maybe(fc.record({ file_id: maybe(unicode) })),
    photo: maybe(fc.array(fc.record({ file_id: maybe(unicode) }), { maxLength: 3 })),
    document: maybe(fc.record({ file_id: maybe(unicode) })),
    sticker: maybe(fc.record({ file_id: maybe(unicode) })),
    contact: maybe(fc.record({ phone_number: unicode })),
  },
  { requiredKeys: [] },
);
/** Well-formed private-chat updates with hostile contents, so that thousands reach the engine. */
const privateChat = fc.integer({ min: 1, max: 2 ** 40 }).map((id) => ({ chat: { id, type: 'private' }, from: { id, is_bot: false, first_name: 'x' } }));
const tgValid = fc.oneof(
  fc.record({
    update_id: fc.nat(),
    message: fc
      .tuple(
        privateChat,
        fc.oneof(
          fc.record({ text: textArb }),
          fc.record({ location: fc.record({ latitude: fc.double(), longitude: fc.double() }) }),
          fc.record({ photo: fc.constant([{ file_id: 'p' }]), caption: unicode }),
          fc.record({ voice: fc.record({ file_id: unicode }) }),
          fc.record({ contact: fc.record({ phone_number: unicode }) }),
        ),
        fc.oneof(fc.constant(undefined), fc.constantFrom('ar', 'ti', 'fa-AF', 'en-US', 'zz')),
      )
      .map(([who, body, lang]) => ({ message_id: 1, date: 1, chat: who.chat, from: { ...who.from, ...(lang ? { language_code: lang } : {}) }, ...body })),
  }),
  fc.record({
    update_id: fc.nat(),
    callback_query: fc
      .tuple(privateChat, fc.oneof(unicode, fc.constantFrom('lang:ar', 'lang:ti', 'nav:menu', 'nav:back', 'forget:ask', 'forget:yes', 'hv:yes')))
      .map(([who, data]) => ({ id: 'cq', from: who.from, data, message: { message_id: 1, date: 1, chat: who.chat } })),
  }),
);
const tgUpdate = fc.oneof(
  { weight: 10, arbitrary: tgValid },
  { weight: 1, arbitrary: fc.anything() },
  { weight: 1, arbitrary: deep },
  {
    weight: 8,
    arbitrary: fc.record(
      {
        update_id: fc.nat(),
        message: maybe(tgMessage),
        edited_message: maybe(tgMessage),
        channel_post: maybe(tgMessage),
        my_chat_member: maybe(fc.object({ maxDepth: 1 })),
        callback_query: maybe(
          fc.record(
            {
              id: maybe(unicode),
              from: maybe(tgUser),
              data: maybe(fc.oneof(unicode, fc.constantFrom('lang:ar', 'nav:menu', 'forget:yes'))),
              message: maybe(tgMessage),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: ['update_id'] },
    ),
  },
);

const isId = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v);

describe('fuzz: Telegram updates', () => {
  it(`translates every update into a decision with valid fields (${RUNS} inputs)`, () => {
    fc.assert(
      fc.property(tgUpdate, (u) => {
        const t = translateUpdate(u as Update, 'wegwijs_test_bot');
        if ('callbackQueryId' in t && t.callbackQueryId !== undefined && typeof t.callbackQueryId !== 'string') return false;
        if ('localeHint' in t && t.localeHint !== undefined && (typeof t.localeHint !== 'string' || t.localeHint.length > 35)) return false;
        switch (t.kind) {
          case 'ignore':
            return typeof t.reason === 'string';
          case 'group':
            return isId(t.chatId);
          case 'unsupported':
            return isId(t.chatId) && isId(t.fromId);
          case 'inbound': {
            if (!isId(t.chatId) || !isId(t.fromId)) return false;
            const p = t.payload;
            if (p.kind === 'text') return typeof p.text === 'string';
            if (p.kind === 'choice') return typeof p.id === 'string' && p.id.length > 0;
            if (p.kind === 'command') return /^[a-z0-9_]{1,32}$/.test(p.command) && (p.args === undefined || typeof p.args === 'string');
            if (p.kind === 'location') return Number.isFinite(p.lat) && Number.isFinite(p.lon) && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180;
            if (p.kind === 'media') return (p.ref === undefined || typeof p.ref === 'string') && (p.caption === undefined || typeof p.caption === 'string');
            return false;
          }
          default:
            return false;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it(`answers every accepted update through the engine, or ignores it on purpose (${RUNS} inputs)`, async () => {
    const t = await testEngine();
    const delivered: { chatId: unknown; messages: Outbound[] }[] = [];
    let answered = 0;
    const handle = createUpdateHandler({
      engine: t.engine,
      store: t.store,
      userKey: createUserKeys('f'.repeat(40)),
      sender: {
        async deliver(chatId, messages) {
          delivered.push({ chatId, messages: await messages });
        },
        idle: async () => {},
        close: async () => {},
      },
      api: { answerCallbackQuery: async () => void answered++ } as never,
      i18n: t.i18n,
      clock: t.clock,
      logger: captureLogger(),
    });
    let id = 1;
    const kinds: Record<string, number> = {};
    const before = retainedMb();
    await fc.assert(
      fc.asyncProperty(tgUpdate, async (raw) => {
        t.clock.t += 3_000;
        const u = raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as object), update_id: id++ } : raw;
        const decision = translateUpdate(u as Update, 'wegwijs_test_bot');
        const n = delivered.length;
        await handle(u as Update, 'wegwijs_test_bot');
        await new Promise((r) => setImmediate(r));
        const got = delivered.slice(n);
        kinds[decision.kind] = (kinds[decision.kind] ?? 0) + 1;
        if (decision.kind === 'ignore') return got.length === 0;
        if (decision.kind === 'inbound') return got.length === 1 && (got[0]?.messages.length ?? 0) > 0;
        // Notices: once per group (later messages there are deliberately ignored), always for unsupported kinds.
        return got.every((g) => g.messages.length > 0) && (decision.kind === 'group' || got.length === 1);
      }),
      { numRuns: RUNS },
    );
    expect(kinds.inbound ?? 0).toBeGreaterThan(3_000);
    expect(Object.keys(kinds).sort()).toEqual(['group', 'ignore', 'inbound', 'unsupported']);
    expect(retainedMb() - before).toBeLessThan(64); // measured: under 10 MB
  });
});
