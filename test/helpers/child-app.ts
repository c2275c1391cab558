/**
 * Runs the real program (`node src/main.ts`, as `npm start` does) in a child process with its own environment, for
 * tests of what only a process shows: several instances side by side, and shutdown on SIGTERM. The child's JSON log
 * lines (pino) are collected, so tests can look for events (never texts or ids: the app does not log those).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './engine.ts';

/** Node 24 from the node@24 devDependency (the tests' own runtime when that is missing). */
export const NODE24 = existsSync(join(ROOT, 'node_modules/node/bin/node')) ? join(ROOT, 'node_modules/node/bin/node') : process.execPath;

export interface ChildApp {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Parsed JSON log lines of the child so far. */
  logs: Record<string, unknown>[];
  stderr(): string;
  /** Log lines with this `event`. */
  events(event: string): Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export async function startChildApp(env: Record<string, string>, opts: { readyTimeoutMs?: number } = {}): Promise<ChildApp> {
  const port = Number(env.PORT) || (await freePort());
  const proc = spawn(NODE24, ['--disable-warning=ExperimentalWarning', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let err = '';
  let buf = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i = buf.indexOf('\n');
    while (i >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
      i = buf.indexOf('\n');
    }
  });
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const end = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (done) throw new Error(`app exited before it was ready: ${err.slice(0, 2000)}`);
    if (Date.now() > end) {
      proc.kill('SIGKILL');
      throw new Error(`app not ready in time: ${err.slice(0, 2000)}`);
    }
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    proc,
    logs,
    stderr: () => err,
    events: (event) => logs.filter((l) => l.event === event),
    exited,
    async stop(graceMs = 15_000) {
      if (!done) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        const r = await exited;
        clearTimeout(timer);
        return r;
      }
      return exited;
    },
  };
}
