import { runInteractiveChat, runJsonlChat } from '../channels/cli/chat.ts';
import { wire } from '../main.ts';
import { createUserKeys } from '../privacy/user-key.ts';
import { argValue, type CliIo, cliConfig } from './util.ts';

export async function chatCommand(args: string[], io: CliIo): Promise<number> {
  const config = cliConfig();
  const wired = await wire(config, { memory: !args.includes('--persist') });
  const locale = argValue(args, '--locale');
  if (locale && !wired.content.current().locales.some((l) => l.code === locale)) {
    io.stderr.write(
      `unknown locale "${locale}"; use one of ${wired.content
        .current()
        .locales.map((l) => l.code)
        .join(', ')}\n`,
    );
    await wired.close();
    return 2;
  }
  const deps = { engine: wired.engine, userKey: createUserKeys('cli-local'), input: io.stdin, output: io.stdout, ...(locale ? { locale } : {}) };
  try {
    if (args.includes('--json')) await runJsonlChat(deps);
    else await runInteractiveChat(deps);
  } finally {
    await wired.close();
  }
  return 0;
}
