/**
 * Terminal chat: JSON Lines for scripts (`--json`) or a friendly interactive chat with numbered choices.
 */
import { createInterface } from 'node:readline';
import type { Engine } from '../../core/engine.ts';
import type { InboundPayload, Outbound } from '../../core/messages.ts';
import type { UserKeyFn } from '../../privacy/user-key.ts';
import { parseJsonlLine, toJsonlOutput } from './jsonl.ts';

export interface CliChatDeps {
  engine: Engine;
  userKey: UserKeyFn;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  locale?: string;
}

async function preselect(deps: CliChatDeps, user: string, seen: Set<string>): Promise<void> {
  if (seen.has(user)) return;
  seen.add(user);
  if (deps.locale) await deps.engine.handle({ channel: 'cli', userKey: deps.userKey('cli', user), kind: 'choice', id: `lang:${deps.locale}` });
}

export async function runJsonlChat(deps: CliChatDeps): Promise<void> {
  const rl = createInterface({ input: deps.input, crlfDelay: Number.POSITIVE_INFINITY });
  const seen = new Set<string>();
  let line = 0;
  for await (const raw of rl) {
    const n = line++;
    if (!raw.trim()) continue;
    const { user, payload } = parseJsonlLine(raw);
    await preselect(deps, user, seen);
    const out = await deps.engine.handle({ ...payload, channel: 'cli', userKey: deps.userKey('cli', user) });
    for (const m of out) deps.output.write(`${JSON.stringify(toJsonlOutput(n, m))}\n`);
  }
}

function printMessage(m: Outbound, write: (s: string) => void): string[] {
  const rtl = m.dir === 'rtl' ? '\u200F' : '';
  switch (m.kind) {
    case 'text':
      write(`\n${rtl}${m.text}\n`);
      return [];
    case 'choices':
      write(`\n${rtl}${m.text}\n`);
      for (const [i, c] of m.choices.entries()) write(`  ${i + 1}. ${rtl}${c.label}\n`);
      return m.choices.map((c) => c.id);
    case 'media':
      write(`\n[${m.mediaType}] ${m.caption ?? ''} ${m.url}\n`);
      return [];
    default:
      write(`\n${JSON.stringify(m)}\n`);
      return [];
  }
}

export async function runInteractiveChat(deps: CliChatDeps): Promise<void> {
  const write = (s: string) => deps.output.write(s);
  const userKey = deps.userKey('cli', 'default');
  const rl = createInterface({ input: deps.input, output: deps.output, terminal: true });
  let choices: string[] = [];
  const show = (out: Outbound[]) => {
    for (const m of out) {
      const ids = printMessage(m, write);
      if (ids.length) choices = ids;
    }
    write('\n> ');
  };
  write('wegwijs terminal chat. Type a number to choose, or type a question. Ctrl+D to quit.\n');
  await preselect(deps, 'default', new Set());
  show(await deps.engine.handle({ channel: 'cli', userKey, kind: 'command', command: 'start' }));
  for await (const raw of rl) {
    const n = Number(raw.trim());
    const payload: InboundPayload =
      Number.isInteger(n) && n >= 1 && n <= choices.length ? { kind: 'choice', id: choices[n - 1] ?? '' } : { kind: 'text', text: raw };
    show(await deps.engine.handle({ ...payload, channel: 'cli', userKey }));
  }
}
