/**
 * The benchmark's baseline: a bare grammY bot behind the same express webhook route as wegwijs (same path, same
 * secret token check, same `webhookCallback` with the express adapter, same JSON body parser), answering every
 * update with one sendMessage. Nothing else: no store, no engine, no retries. It is the floor no Telegram bot on this
 * stack can beat. Run as a child process by bench/run.ts with TELEGRAM_API_ROOT, TELEGRAM_BOT_TOKEN,
 * TELEGRAM_WEBHOOK_SECRET and PORT in the environment.
 * @see https://grammy.dev/guide/deployment-types#how-to-use-webhooks
 */
import express from 'express';
import { Bot, webhookCallback } from 'grammy';

const token = process.env.TELEGRAM_BOT_TOKEN ?? '';
const secret = process.env.TELEGRAM_WEBHOOK_SECRET ?? '';
const bot = new Bot(token, { client: { apiRoot: process.env.TELEGRAM_API_ROOT ?? 'https://api.telegram.org' } });
bot.on(['message', 'callback_query'], (ctx) => ctx.reply('ok'));
await bot.init();

const app = express();
app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});
app.post(
  '/webhooks/telegram',
  express.json({ limit: '1mb' }),
  webhookCallback(bot, 'express', { secretToken: secret, onTimeout: 'return', timeoutMilliseconds: 8_000 }),
);
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
