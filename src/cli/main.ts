/**
 * Command line: `npm run -s cli -- <command>`.
 *   chat [--json] [--locale <code>]      terminal chat (JSON Lines with --json)
 *   match                                 matcher/crisis evaluation harness over JSON Lines
 *   content validate [dir] | report [--json] [--strict] [--usage] [--days N] | stamp <topic> <locale>|--all
 *   helper add ...                        (see README, "For sleutelpersonen")
 *   telegram set-webhook <url> | delete-webhook
 */
import { ConfigError } from '../config.ts';
import { ContentLoadError } from '../content/store.ts';
import type { CliIo } from './util.ts';

type Handler = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Handler>> = {
  chat: async () => (await import('./chat-command.ts')).chatCommand,
  match: async () => (await import('./match-command.ts')).matchCommand,
  content: async () => (await import('./content-command.ts')).contentCommand,
};

/** Registers another command (used by feature modules such as handover and telegram). */
export function registerCommand(name: string, load: () => Promise<Handler>): void {
  COMMANDS[name] = load;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? COMMANDS[name] : undefined;
  if (!load) {
    io.stderr.write(`usage: npm run -s cli -- <${Object.keys(COMMANDS).join('|')}> ...\n`);
    return 2;
  }
  try {
    return await (await load())(rest, io);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ContentLoadError) {
      io.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (process.argv[1]?.endsWith('/src/cli/main.ts')) {
  // No top-level await here: commands.ts imports `registerCommand` from this module, so this module has to finish
  // evaluating first (awaiting the import of commands.ts at top level deadlocks the cycle: exit code 13).
  void import('./commands.ts')
    .then(() => runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }))
    .then((code) => {
      process.exitCode = code;
    });
}
