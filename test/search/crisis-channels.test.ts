/**
 * The crisis path in all nine locales, through the web chat API and the terminal chat (JSON Lines) of the real
 * wired app: a crisis statement from each locale's own list gets the crisis card in that locale — 112, 113
 * (0800-0113), Veilig Thuis (0800-2000), the huisartsenpost and "talk to a person now" — before anything else, even
 * in the middle of a menu, and is counted with locale and day only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runJsonlChat } from '../../src/channels/cli/chat.ts';
import { createI18n } from '../../src/i18n/i18n.ts';
import { createUserKeys } from '../../src/privacy/user-key.ts';
import { type RunningApp, startApp, webClient } from '../helpers/app.ts';
import { ROOT } from '../helpers/engine.ts';

const LOCALES = ['nl', 'en', 'ar', 'ti', 'fa', 'prs', 'so', 'tr', 'uk'];
const RTL = new Set(['ar', 'fa', 'prs']);

/** The first crisis example of each locale's list: a statement an editor wrote as a must-detect. */
function statement(locale: string): string {
  const file = parse(readFileSync(join(ROOT, 'content', 'crisis', `${locale}.yaml`), 'utf8')) as { examples: { crisis: string[] } };
  const s = file.examples.crisis[0];
  if (!s) throw new Error(`no crisis example for ${locale}`);
  return s;
}

interface Line {
  text?: string;
  lang?: string;
  dir?: string;
  choices?: { id: string; label: string }[];
}

function expectCrisisCard(locale: string, out: Line[], readable = [locale]): void {
  const all = out.map((l) => l.text ?? '').join('\n');
  expect(readable, `${locale}: card in the user's language`).toContain(out[0]?.lang);
  const shown = out[0]?.lang ?? locale;
  const t = (k: string) => i18n.t(shown, k);
  expect(out[0]?.dir).toBe(RTL.has(locale) ? 'rtl' : 'ltr');
  expect(all).toContain(t('crisis.intro'));
  for (const n of ['112', '0800-0113', '0800-2000']) expect(all, `${locale}: ${n}`).toContain(n);
  expect(all).toContain(t('crisis.huisartsenpost'));
  const choices = out.flatMap((l) => l.choices ?? []);
  expect(choices.find((c) => c.id === 'nav:person-urgent')?.label).toBe(t('crisis.person'));
}

let app: RunningApp;
let i18n: Awaited<ReturnType<typeof createI18n>>;
beforeAll(async () => {
  i18n = await createI18n(join(ROOT, 'locales'));
  app = await startApp({ FLOOD_MAX_PER_MINUTE: '100000' }, { memory: true });
});
afterAll(async () => {
  await app?.stop();
});

describe('crisis card in all nine locales', () => {
  it('web chat: a crisis statement in the middle of a menu gets the card first', async () => {
    for (const locale of LOCALES) {
      const c = webClient(app.url);
      await c.send({ choice: `lang:${locale}` });
      const res = await c.send({ text: statement(locale) });
      expect(res.status).toBe(200);
      expectCrisisCard(locale, (res.json.messages ?? []) as Line[]);
    }
    const counted = await app.wired.store.counters('crisis', 0);
    expect(counted.map((c) => c.key).sort()).toEqual([...LOCALES].sort());
    expect(Object.keys(counted[0] ?? {}).sort()).toEqual(['count', 'day', 'key']);
  });

  it('terminal chat (JSON Lines): the same card, for a user who never chose a language', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let raw = '';
    output.on('data', (d) => (raw += String(d)));
    input.end(`${LOCALES.map((locale) => JSON.stringify({ user: `cli-crisis-${locale}`, text: statement(locale) })).join('\n')}\n`);
    await runJsonlChat({ engine: app.wired.engine, userKey: createUserKeys('crisis-test-secret-0123456789'), input, output });
    const lines = raw
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line & { reply_to: number });
    LOCALES.forEach((locale, i) => {
      // Without a chosen language the card follows the list that matched: Dari and Farsi share many phrases, and
      // each reads the other's card.
      const readable = locale === 'prs' ? ['prs', 'fa'] : locale === 'fa' ? ['fa', 'prs'] : [locale];
      expectCrisisCard(
        locale,
        lines.filter((l) => l.reply_to === i),
        readable,
      );
    });
  });
});
