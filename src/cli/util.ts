/** Small helpers shared by CLI commands. */
import { resolve } from 'node:path';
import { loadConfig } from '../config.ts';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function cliConfig() {
  return loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' });
}

export function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

export const contentDir = (args: string[], pos = 0) => resolve(args.filter((a) => !a.startsWith('--'))[pos] ?? process.env.CONTENT_DIR ?? 'content');
