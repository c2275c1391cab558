/** `npm run -s cli -- telegram ...` as a real process against the fake Bot API. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookUrl } from '../../../src/channels/telegram/cli.ts';
import { ROOT } from '../../helpers/engine.ts';
import { type FakeTelegram, startFakeTelegram } from '../../helpers/fake-telegram.ts';

const run = promisify(execFile);
let fake: FakeTelegram;
const SECRET = 'cli-test-secret_0123456789';

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = {
    PATH: process.env.PATH ?? '',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: fake.apiRoot,
    LOG_LEVEL: 'silent',
  };
  try {
    const r = await run(process.execPath, ['--disable-warning=ExperimentalWarning', join(ROOT, 'src/cli/main.ts'), 'telegram', ...args], {
      cwd: ROOT,
      env: { ...base, ...env },
    });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  fake = await startFakeTelegram();
});
afterAll(async () => {
  await fake.close();
});

describe('telegram CLI', () => {
  it('set-webhook sends the URL, the secret and the allowed update types', async () => {
    const r = await cli(['set-webhook', 'https://wegwijs.example.org']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('https://wegwijs.example.org/webhooks/telegram');
    expect(r.stdout).not.toContain(SECRET);
    expect(fake.ok('setWebhook').at(-1)?.params).toMatchObject({
      url: 'https://wegwijs.example.org/webhooks/telegram',
      secret_token: SECRET,
      allowed_updates: ['message', 'callback_query', 'edited_message', 'channel_post', 'my_chat_member'],
      drop_pending_updates: false,
    });
  });

  it('delete-webhook removes it (optionally dropping pending updates)', async () => {
    const r = await cli(['delete-webhook', '--drop-pending']);
    expect(r.code).toBe(0);
    expect(fake.ok('deleteWebhook').at(-1)?.params).toEqual({ drop_pending_updates: true });
  });

  it('refuses plain http, a missing secret or a missing token, without calling Telegram', async () => {
    const before = fake.calls.length;
    expect((await cli(['set-webhook', 'http://wegwijs.example.org'])).code).toBe(2);
    expect((await cli(['set-webhook', 'https://wegwijs.example.org'], { TELEGRAM_WEBHOOK_SECRET: '' })).code).toBe(2);
    expect((await cli(['delete-webhook'], { TELEGRAM_BOT_TOKEN: '' })).code).toBe(2);
    expect((await cli(['nonsense'])).code).toBe(2);
    expect(fake.calls.length).toBe(before);
  });

  it('builds the webhook URL from an origin or a full path', () => {
    expect(webhookUrl('https://a.example')).toBe('https://a.example/webhooks/telegram');
    expect(webhookUrl('https://a.example/wegwijs/')).toBe('https://a.example/wegwijs/webhooks/telegram');
    expect(webhookUrl('https://a.example/webhooks/telegram')).toBe('https://a.example/webhooks/telegram');
    expect(webhookUrl('https://user:pw@a.example')).toBeNull();
    expect(webhookUrl('ftp://a.example')).toBeNull();
  });
});
