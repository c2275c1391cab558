/**
 * The whole wegwijs stack for privacy tests: the real wired app on a real SQLite file with the web chat, Telegram
 * (webhook mode, fake Bot API) and WhatsApp (fake Graph API) channels, the helper inbox and the background workers,
 * plus small clients for each channel. Platform APIs are local HTTP servers speaking the real protocols.
 */
import { sign } from '../../src/channels/whatsapp/signature.ts';
import type { WireOptions } from '../../src/main.ts';
import { createUserKeys } from '../../src/privacy/user-key.ts';
import { fixture, PHONE_ID, SECRET, VERIFY } from '../channels/whatsapp/harness.ts';
import { addHelper, CONTENT_DIR, inboxClient } from '../handover/support.ts';
import { type RunningApp, startApp, webClient } from '../helpers/app.ts';
import { type FakeGraph, messageText, startFakeGraph } from '../helpers/fake-graph.ts';
import { type FakeCall, type FakeTelegram, startFakeTelegram } from '../helpers/fake-telegram.ts';
import { WEBHOOK_SECRET } from '../helpers/fake-telegram-app.ts';

export const KEY_SECRET = 'privacy-test-user-key-secret-0123456789abcdef';
export const ALWAYS = 'mo-su 00:00-24:00';
export const userKeyOf = (channel: string, id: string) => createUserKeys(KEY_SECRET)(channel, id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(test: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

/** A realistic wamid: base64 of a protobuf-like prefix, the sender's phone number and a random tail (like Meta's). */
export function wamidFor(phone: string): string {
  const tail = Math.random().toString(16).slice(2, 18).toUpperCase();
  return `wamid.${Buffer.from(`\x1c\x18\x0b${phone}\x15\x02\x00\x12\x18\x14${tail}`, 'latin1').toString('base64')}`;
}

export interface Stack {
  app: RunningApp;
  graph: FakeGraph;
  telegram: FakeTelegram;
  /** Posts a Telegram update (as the Bot API would) and waits until the chat has been quiet; returns new messages. */
  tg(chatId: number, update: unknown): Promise<FakeCall[]>;
  tgSent(chatId: number): FakeCall[];
  /** Posts a signed WhatsApp webhook from a fixture and waits for the bot's answer(s); returns the wamid used. */
  wa(phone: string, name: string, vars?: Record<string, string>, opts?: { expectReply?: boolean }): Promise<string>;
  waSent(phone: string): FakeGraph['sent'];
  /** Posts a raw WhatsApp webhook body, signed. */
  waPost(raw: string): Promise<number>;
  web: ReturnType<typeof webClient>;
  inbox: ReturnType<typeof inboxClient>;
  stop(): Promise<void>;
}

export async function startStack(opts: WireOptions & { env?: Record<string, string> } = {}): Promise<Stack> {
  const { env, ...wireOpts } = opts;
  const graph = await startFakeGraph();
  const telegram = await startFakeTelegram();
  const app = await startApp(
    {
      CONTENT_DIR,
      CONTENT_WATCH: 'false',
      USER_KEY_SECRET: KEY_SECRET,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      WHATSAPP_TOKEN: graph.token,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY,
      WHATSAPP_API_BASE: graph.url,
      HANDOVER_TIMER_SECONDS: '1',
      ...env,
    },
    wireOpts,
  );
  await app.wired.start();
  const tgSent = (chatId: number) => telegram.ok('sendMessage').filter((c) => String(c.params.chat_id) === String(chatId));
  const waSent = (phone: string) => graph.sent.filter((m) => m.to === phone);
  const waPost = async (raw: string) => {
    const res = await fetch(`${app.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(Buffer.from(raw), SECRET) },
      body: raw,
    });
    await res.text();
    return res.status;
  };
  const quiet = async (count: () => number) => {
    for (let n = count(); ; ) {
      await sleep(120);
      if (count() === n) return;
      n = count();
    }
  };
  return {
    app,
    graph,
    telegram,
    tgSent,
    waSent,
    waPost,
    async tg(chatId, update) {
      const before = tgSent(chatId).length;
      const res = await fetch(`${app.url}/webhooks/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
        body: JSON.stringify(update),
      });
      if (res.status !== 200) throw new Error(`telegram webhook answered ${res.status}`);
      await telegram.waitFor(() => tgSent(chatId).length > before);
      await quiet(() => tgSent(chatId).length);
      return tgSent(chatId).slice(before);
    },
    async wa(phone, name, vars = {}, o = {}) {
      const wamid = vars.WAMID ?? wamidFor(phone);
      const before = waSent(phone).length;
      const status = await waPost(fixture(name, { FROM: phone, TS: String(Math.floor(Date.now() / 1000)), ...vars, WAMID: wamid }));
      if (status !== 200) throw new Error(`whatsapp webhook answered ${status}`);
      if (o.expectReply !== false) await waitUntil(() => waSent(phone).length > before);
      await quiet(() => waSent(phone).length);
      return wamid;
    },
    web: webClient(app.url),
    inbox: inboxClient(app.url),
    async stop() {
      await app.stop();
      await graph.close();
      await telegram.close();
    },
  };
}

export { addHelper, messageText };
