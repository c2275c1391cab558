/**
 * The benchmark's load generator: simulated Telegram users posting updates to a webhook the way Telegram does
 * (keep-alive connections, at most 40 at once, Telegram's default `max_connections`), and waiting for their answers
 * at the fake Bot API. A user's updates are posted one after the other; each answer is checked against the expected
 * messages in order (by their first characters), so a missing, extra or reordered reply counts as an error.
 * - closed loop: every user sends its next message as soon as the previous answer is complete;
 * - open loop: a fixed rate, spread round-robin over the users; latency counts from the scheduled send time, so a
 *   slow answer cannot hide the messages queued behind it.
 */
import { Agent, request } from 'node:http';
import type { BenchFake } from './fake-bot-api.ts';

/** What one message should bring back: the first characters of each reply, in order. */
export type Expect = string[];

export interface SimUser {
  chat: number;
  /** The next update of this user (its k-th message) and what it should bring back. */
  next(k: number): { update: unknown; expect: Expect };
  k: number;
}

export interface PhaseResult {
  messages: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
  errorKinds: Record<string, number>;
  /** CPU time of the load generator (with the fake Bot API) per wall-clock second, in % of one core. */
  harnessCpu: number;
}

interface Pending {
  want: Expect;
  got: number;
  resolve(at: number): void;
}

export const sig = (text: string) => text.slice(0, 40);

export function createLoad(opts: { fake: BenchFake; webhookUrl: string; secret: string; connections?: number; replyTimeoutMs?: number }) {
  // Idle connections are dropped after 4 s, before the servers' 5 s keep-alive timeout can close one under a request.
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections ?? 40, timeout: 4_000 });
  const pending = new Map<number, Pending[]>();
  const errorKinds: Record<string, number> = {};
  const fail = (kind: string) => {
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };
  opts.fake.onSend = (chat, text, at) => {
    const p = pending.get(chat)?.[0];
    if (!p) return fail('unexpected_reply');
    if (sig(text) !== p.want[p.got]) fail('reply_out_of_order_or_wrong');
    if (++p.got === p.want.length) {
      pending.get(chat)?.shift();
      p.resolve(at);
    }
  };

  function post(update: unknown): Promise<number> {
    const body = JSON.stringify(update);
    return new Promise((resolve) => {
      const req = request(
        opts.webhookUrl,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': opts.secret },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
  }

  /**
   * Registers the answer a user waits for; resolves with the arrival time of its last message, or null on timeout
   * or when `cancel()` is called (the update was not accepted, so no answer will come).
   */
  function awaitAnswer(chat: number, want: Expect): { answered: Promise<number | null>; cancel(): void } {
    let cancel = () => {};
    const answered = new Promise<number | null>((resolve) => {
      const list = pending.get(chat) ?? [];
      pending.set(chat, list);
      let settled = false;
      const entry: Pending = {
        want,
        got: 0,
        resolve: (at) => {
          settled = true;
          clearTimeout(timer);
          resolve(at);
        },
      };
      const drop = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const i = list.indexOf(entry);
        if (i >= 0) list.splice(i, 1);
        resolve(null);
      };
      const timer = setTimeout(drop, opts.replyTimeoutMs ?? 15_000);
      cancel = drop;
      list.push(entry);
    });
    return { answered, cancel };
  }

  /** Posts the user's next update; resolves once the webhook answered, with the promise of the user's answer. */
  async function send(u: SimUser, due: number, result: { lat: number[]; errors: number }): Promise<{ answered: Promise<void> }> {
    // From the scheduled time when the message goes out late (a slow answer delays what follows), from the actual
    // time when a timer fired a little early.
    const startedAt = Math.min(due, performance.now());
    const { update, expect } = u.next(u.k++);
    const wait = awaitAnswer(u.chat, expect);
    const status = await post(update);
    if (status !== 200) {
      fail(`webhook_${status || 'network'}`);
      result.errors++;
      wait.cancel();
      return { answered: Promise.resolve() };
    }
    return {
      answered: wait.answered.then((at) => {
        if (at === null) {
          fail('answer_missing');
          result.errors++;
        } else result.lat.push(at - startedAt);
      }),
    };
  }

  function finish(started: number, cpu0: NodeJS.CpuUsage, r: { lat: number[]; errors: number }, before: Record<string, number>): PhaseResult {
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const kinds: Record<string, number> = {};
    for (const [k, v] of Object.entries(errorKinds)) if (v - (before[k] ?? 0) > 0) kinds[k] = v - (before[k] ?? 0);
    const extra = Object.entries(kinds)
      .filter(([k]) => k === 'unexpected_reply' || k === 'reply_out_of_order_or_wrong')
      .reduce((a, [, v]) => a + v, 0);
    return {
      messages: r.lat.length,
      seconds,
      latenciesMs: r.lat,
      errors: r.errors + extra,
      errorKinds: kinds,
      harnessCpu: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
    };
  }

  return {
    /** Every user sends again as soon as its answer is complete, for `seconds`. */
    async closedLoop(users: SimUser[], seconds: number): Promise<PhaseResult> {
      const before = { ...errorKinds };
      const cpu0 = process.cpuUsage();
      const started = performance.now();
      const end = started + seconds * 1000;
      const r = { lat: [] as number[], errors: 0 };
      await Promise.all(
        users.map(async (u) => {
          while (performance.now() < end) await (await send(u, performance.now(), r)).answered;
        }),
      );
      return finish(started, cpu0, r, before);
    },
    /** `rate` messages a second for `seconds`, round-robin over the users; one user's updates stay in order. */
    async openLoop(users: SimUser[], rate: number, seconds: number): Promise<PhaseResult> {
      const before = { ...errorKinds };
      const cpu0 = process.cpuUsage();
      const started = performance.now();
      const r = { lat: [] as number[], errors: 0 };
      const chains = new Map<number, Promise<unknown>>();
      const answers: Promise<void>[] = [];
      const total = Math.round(rate * seconds);
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((res) => setTimeout(res, Math.ceil(wait)));
        const u = users[i % users.length] as SimUser;
        const prev = chains.get(u.chat) ?? Promise.resolve();
        const sent = prev.then(() => send(u, due, r));
        chains.set(u.chat, sent);
        answers.push(sent.then((s) => s.answered));
      }
      await Promise.all(answers);
      return finish(started, cpu0, r, before);
    },
    post,
    errorKinds,
    close() {
      agent.destroy();
      opts.fake.onSend = null;
    },
  };
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
}
