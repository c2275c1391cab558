/**
 * The benchmark: `npm run -s bench -- [--json] [--postgres] [--quick] [--profile]`.
 *
 * - wegwijs runs as `node src/main.ts` in its own process (Telegram webhook mode, SQLite in a temporary directory, or
 *   PostgreSQL in a schema of its own with --postgres), exactly as `npm start` runs it;
 * - the baseline is a bare grammY bot (bench/baseline-bot.ts) behind the same webhook route, answering every update
 *   with one sendMessage;
 * - this process is the load generator and hosts the fake Bot API (bench/fake-bot-api.ts) both bots send to.
 * 50 simulated users each hold a conversation — language choice, a category menu, a topic, a free-text question, and
 * again — first as fast as answers come back (closed loop), then at a fixed 100 messages a second for 20 seconds
 * (open loop). The same two measurements are taken of the baseline in the same run. Then the matcher alone on the
 * shipped and a 20× catalogue. The last line (with --json) is one JSON object; docs/benchmark.md explains the figures.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadContent } from '../src/content/loader.ts';
import { createMatcher } from '../src/search/matcher.ts';
import { tg } from '../test/helpers/fake-telegram-updates.ts';
import { BENCH_TOKEN, measureCapacity, startBenchFake } from './fake-bot-api.ts';
import { createLoad, type Expect, type PhaseResult, percentile, type SimUser, sig } from './load.ts';
import { benchMatcher, enlarge, loadQueries } from './match.ts';
import { type Proc, startProc } from './procs.ts';

const root = join(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const num = (name: string, def: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const quick = flag('quick');
const USERS = num('users', 50);
const RATE = num('rate', 100);
const CLOSED_S = num('closed-seconds', quick ? 2 : 15);
const OPEN_S = num('open-seconds', quick ? 2 : 20);
const WARM_S = quick ? 1 : 3;
const SECRET = 'bench-webhook-secret_0123456789';
const FLOOD = '1000000';
const log = (s: string) => console.log(s);

// --- content and the users' script ----------------------------------------------------------------------------
const realContent = process.env.CONTENT_DIR ?? join(root, 'content');
const loaded = loadContent(realContent);
if (!loaded.snapshot && !quick) {
  // Figures on the two-topic test fixture would look far better than the real thing: refuse instead.
  const first = loaded.errors[0];
  console.error(
    `bench: ${realContent} does not load (${loaded.errors.length} errors${first ? `, first: ${first.file}:${first.line}:${first.col} ${first.message}` : ''});` +
      ' fix it (npm run -s content -- validate) or use --quick',
  );
  process.exit(2);
}
const contentDir = loaded.snapshot ? realContent : join(root, 'test', 'fixtures', 'content-mini');
const snapshot = loaded.snapshot ?? loadContent(contentDir).snapshot;
if (!snapshot) throw new Error('no valid content to benchmark');
const locales = snapshot.locales.map((l) => l.code);
const topic = snapshot.topics.has('huisarts') ? 'huisarts' : ([...snapshot.topics.keys()][0] ?? '');
const category = snapshot.categories.find((c) => c.topics.includes(topic))?.id ?? snapshot.categories[0]?.id ?? '';
const matcher = createMatcher(snapshot);
const queries = loadQueries();
/** Per locale a free-text question the matcher answers with one topic (the common case). */
const question = new Map(
  locales.map((l) => {
    const mine = queries.filter((q) => q.locale === l);
    return [l, (mine.find((q) => matcher.match(l, q.text).outcome === 'answer') ?? mine[0] ?? { text: 'huisarts' }).text];
  }),
);
const step = (chat: number, locale: string, k: number) => {
  const u = { userId: chat, languageCode: locale };
  const m = snapshot.marker;
  return [
    () => tg.callback(u, `lang:${locale}`),
    () => tg.callback(u, `cat:${category}~${m}`),
    () => tg.callback(u, `topic:${topic}~${m}`),
    () => tg.text(u, question.get(locale) ?? 'huisarts'),
  ][k % 4]?.();
};

// --- processes -------------------------------------------------------------------------------------------------
const pgUrl = flag('postgres') ? (process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL) : undefined;
if (flag('postgres') && !pgUrl) throw new Error('--postgres needs DATABASE_URL or TEST_DATABASE_URL');
const schema = `bench_${Date.now().toString(36)}`;
const dataDir = mkdtempSync(join(tmpdir(), 'wegwijs-bench-'));
const profileDir = join(root, 'bench', 'profiles');
/**
 * Node flags for the app: those of `npm start` (package.json), so it runs as deployed; `--app-node-args "..."`
 * replaces them to try other memory settings.
 */
const startScript = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
const startFlags = startScript.split(' ').filter((w) => w.startsWith('--') && !w.startsWith('--disable-warning'));
const appNodeArgs = argv.includes('--app-node-args') ? (argv[argv.indexOf('--app-node-args') + 1] ?? '').split(' ').filter(Boolean) : startFlags;
const fake = await startBenchFake();
const common = { TELEGRAM_BOT_TOKEN: BENCH_TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.apiRoot };

/** Sends the script 3 cycles for one calibration user per locale and records what each step brings back. */
async function calibrate(url: string): Promise<Map<string, Expect[]>> {
  const got = new Map<number, string[]>();
  fake.onSend = (chat, text) => got.get(chat)?.push(sig(text));
  const out = new Map<string, Expect[]>();
  await Promise.all(
    locales.map(async (locale, i) => {
      const chat = 900_000 + i;
      const steps: Expect[] = [];
      for (let k = 0; k < 12; k++) {
        const list: string[] = [];
        got.set(chat, list);
        const res = await fetch(`${url}/webhooks/telegram`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
          body: JSON.stringify(step(chat, locale, k)),
        });
        if (res.status !== 200) throw new Error(`calibration: webhook answered ${res.status}`);
        for (let n = -1, t = Date.now(); n !== list.length || list.length === 0; ) {
          if (Date.now() - t > 10_000) throw new Error('calibration: no answer');
          n = list.length;
          await new Promise((r) => setTimeout(r, 250));
        }
        steps.push(list);
      }
      if (JSON.stringify(steps.slice(4, 8)) !== JSON.stringify(steps.slice(8, 12))) throw new Error(`calibration: answers in ${locale} are not stable`);
      out.set(locale, steps);
    }),
  );
  fake.onSend = null;
  return out;
}

const makeUsers = (expect: (locale: string, k: number) => Expect): SimUser[] =>
  Array.from({ length: USERS }, (_, i) => {
    const chat = 100_000 + i;
    const locale = locales[i % locales.length] ?? 'nl';
    return { chat, k: 0, next: (k) => ({ update: step(chat, locale, k), expect: expect(locale, k) }) };
  });

interface Measured {
  closed: PhaseResult;
  open: PhaseResult;
  appCpu: { closed: number | null; open: number | null };
  rssMb: number | null;
  sendsPerS: number;
}

async function measure(proc: Proc, expect: (locale: string, k: number) => Expect): Promise<Measured> {
  const load = createLoad({ fake, webhookUrl: `${proc.url}/webhooks/telegram`, secret: SECRET });
  const cpuPct = (c0: number | null, r: PhaseResult) => {
    const c1 = proc.cpuSeconds();
    return c0 === null || c1 === null ? null : ((c1 - c0) / r.seconds) * 100;
  };
  await load.closedLoop(makeUsers(expect), WARM_S);
  const sends0 = fake.stats().sends;
  let c0 = proc.cpuSeconds();
  const closed = await load.closedLoop(makeUsers(expect), CLOSED_S);
  const sendsPerS = (fake.stats().sends - sends0) / closed.seconds;
  const closedCpu = cpuPct(c0, closed);
  c0 = proc.cpuSeconds();
  const open = await load.openLoop(makeUsers(expect), RATE, OPEN_S);
  const openCpu = cpuPct(c0, open);
  load.close();
  return { closed, open, appCpu: { closed: closedCpu, open: openCpu }, rssMb: proc.rssMb(), sendsPerS };
}

// --- wegwijs ---------------------------------------------------------------------------------------------------
const app = await startProc(
  'src/main.ts',
  {
    ...common,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    CONTENT_DIR: contentDir,
    LOCALES_DIR: join(root, 'locales'),
    CONTENT_WATCH: 'false',
    LOG_LEVEL: 'warn',
    USER_KEY_SECRET: 'b'.repeat(48),
    TELEGRAM_MODE: 'webhook',
    FLOOD_MAX_PER_MINUTE: FLOOD,
    ...(pgUrl ? { DATABASE_URL: pgUrl, DATABASE_SCHEMA: schema } : {}),
  },
  { cwd: root, nodeArgs: [...appNodeArgs, ...(flag('profile') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])] },
);
const cal = await calibrate(app.url);
const expectWegwijs = (locale: string, k: number): Expect => cal.get(locale)?.[k < 4 ? k : 4 + (k % 4)] ?? [];
const ours = await measure(app, expectWegwijs);
/** Where the app's memory is, from its own /metrics (V8 heap used and reserved, external memory). */
const heap = await fetch(`${app.url}/metrics`)
  .then((r) => r.text())
  .then((t) => {
    const v = (name: string) => Number(new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(t)?.[1] ?? 0) / 2 ** 20;
    /** Seconds spent in garbage collection since the start, by kind (prom-client's GC histogram). */
    const gc = (kind: string) => Number(new RegExp(`^nodejs_gc_duration_seconds_sum\\{kind="${kind}"\\} ([0-9.e+-]+)$`, 'm').exec(t)?.[1] ?? 0);
    return {
      used: v('nodejs_heap_size_used_bytes'),
      total: v('nodejs_heap_size_total_bytes'),
      external: v('nodejs_external_memory_bytes'),
      gcMinor: gc('minor'),
      gcMajor: gc('major') + gc('incremental'),
    };
  })
  .catch(() => null);
await app.stop();

// --- the bare grammY bot (--no-baseline skips it while profiling wegwijs; the JSON line is left out then) ----------
let base: Measured | null = null;
if (!flag('no-baseline')) {
  const bare = await startProc('bench/baseline-bot.ts', common, { cwd: root });
  base = await measure(bare, () => [sig('ok')]);
  await bare.stop();
}

const capacity = await measureCapacity(fake, quick ? 1 : 3);
await fake.close();
const shipped = benchMatcher(snapshot, queries);
const large = benchMatcher(enlarge(snapshot, 20), queries, 1);
if (pgUrl) {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
}
rmSync(dataDir, { recursive: true, force: true });

// --- report ----------------------------------------------------------------------------------------------------
const r1 = (x: number) => Math.round(x * 10) / 10;
const rate = (m: Measured) => m.closed.messages / m.closed.seconds;
const errors = ours.closed.errors + ours.open.errors;
const pct = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(0)}%`);
const line = (name: string, m: Measured) => {
  log(
    `${name} closed loop: ${USERS} users, ${m.closed.messages} messages in ${m.closed.seconds.toFixed(1)} s = ${rate(m).toFixed(0)} msgs/s` +
      ` (latency p50 ${r1(percentile(m.closed.latenciesMs, 50))} ms, p99 ${r1(percentile(m.closed.latenciesMs, 99))} ms;` +
      ` ${m.sendsPerS.toFixed(0)} Bot API sends/s; app CPU ${pct(m.appCpu.closed)}, load generator + fake CPU ${pct(m.closed.harnessCpu)})`,
  );
  log(
    `${name} open loop: ${RATE}/s for ${OPEN_S} s, ${m.open.messages} answered: latency p50 ${r1(percentile(m.open.latenciesMs, 50))} ms,` +
      ` p99 ${r1(percentile(m.open.latenciesMs, 99))} ms, max ${r1(Math.max(0, ...m.open.latenciesMs))} ms (app CPU ${pct(m.appCpu.open)})`,
  );
  const kinds = { ...m.closed.errorKinds };
  for (const [k, v] of Object.entries(m.open.errorKinds)) kinds[k] = (kinds[k] ?? 0) + v;
  log(`${name} errors: ${m.closed.errors + m.open.errors}${Object.keys(kinds).length ? ` ${JSON.stringify(kinds)}` : ''}`);
};
log(`wegwijs benchmark ${new Date().toISOString().slice(0, 10)}${quick ? ' (--quick: short smoke run, figures not meaningful)' : ''}`);
log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
log(
  `store: ${pgUrl ? `PostgreSQL (schema ${schema}, dropped after the run)` : 'SQLite file in a temporary directory'}; content ${snapshot.version} (${snapshot.topics.size} topics × ${locales.length} locales)`,
);
log(`flood guard: FLOOD_MAX_PER_MINUTE=${FLOOD} for this run (default 30 a minute per user; closed-loop users send far more)`);
log(`app: node ${[...appNodeArgs, 'src/main.ts'].join(' ')} (Telegram webhook mode); load generator and fake Bot API in this process`);
line('wegwijs', ours);
if (base) line('baseline (bare grammY)', base);
const fastest = Math.max(ours.sendsPerS, base?.sendsPerS ?? 0);
log(`fake Bot API alone: ${capacity.toFixed(0)} sendMessage/s = ${(capacity / fastest).toFixed(1)}× the highest send rate measured (${fastest.toFixed(0)}/s)`);
log(`matcher: ${shipped.items} topics p99 ${shipped.p99.toFixed(3)} ms; ${large.items} topics (20×) p99 ${large.p99.toFixed(3)} ms`);
log(
  `wegwijs RSS after the run: ${ours.rssMb === null ? 'n/a' : `${ours.rssMb.toFixed(0)} MB`}` +
    (heap ? ` (V8 heap ${heap.used.toFixed(0)} MB used of ${heap.total.toFixed(0)} MB reserved, external ${heap.external.toFixed(0)} MB)` : ''),
);
if (heap) {
  const answered = ours.closed.messages + ours.open.messages;
  log(
    `wegwijs garbage collection over the whole run: ${heap.gcMinor.toFixed(2)} s young generation, ${heap.gcMajor.toFixed(2)} s old generation` +
      ` (about ${(((heap.gcMinor + heap.gcMajor) * 1e6) / Math.max(1, answered)).toFixed(0)} µs per measured message, warm-up included)`,
  );
}
const result = base && {
  webhook: { users: USERS, messages: ours.closed.messages, msgs_per_s: Math.round(rate(ours)), errors },
  latency: { rate_per_s: RATE, p50_ms: r1(percentile(ours.open.latenciesMs, 50)), p99_ms: r1(percentile(ours.open.latenciesMs, 99)) },
  baseline: { msgs_per_s: Math.round(rate(base)), latency_p99_ms: r1(percentile(base.open.latenciesMs, 99)) },
  ratio: Math.round((rate(ours) / rate(base)) * 100) / 100,
  match: { items: shipped.items, p99_ms: Math.round(shipped.p99 * 1000) / 1000, large_items: large.items, large_p99_ms: Math.round(large.p99 * 1000) / 1000 },
  rss_mb: ours.rssMb === null ? null : Math.round(ours.rssMb),
};
if (flag('json') && result) console.log(JSON.stringify(result));
process.exitCode = errors === 0 ? 0 : 1;
