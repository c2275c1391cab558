/** Registers the commands of feature modules. Each feature adds one line here. */
import { registerCommand } from './main.ts';

registerCommand('telegram', async () => (await import('../channels/telegram/cli.ts')).telegramCommand);
registerCommand('helper', async () => (await import('../handover/cli.ts')).helperCommand);
