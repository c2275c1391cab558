/**
 * The one place that wires wegwijs together: configuration → store → content → search → engine → channels → HTTP.
 * `npm start` runs this file; the CLI and tests call `wire()` with their own configuration.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import type { Router } from 'express';
import { createTelegramChannel } from './channels/telegram/channel.ts';
import { createWebChannel } from './channels/web/routes.ts';
import { createSseHub } from './channels/web/sse-hub.ts';
import { createWhatsAppChannel } from './channels/whatsapp/channel.ts';
import { templateLanguages } from './channels/whatsapp/template.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { ContentLoadError, createLiveContent, type LiveContent } from './content/store.ts';
import type { Flow } from './core/context.ts';
import { createEngine, type Engine } from './core/engine.ts';
import type { ChannelName, Outbound } from './core/messages.ts';
import type { Clock, Logger, Notifier, PubSub, Pusher } from './core/ports.ts';
import { createFeedbackFlow } from './feedback/flow.ts';
import { createHandover, type Handover } from './handover/index.ts';
import { loadMunicipalities } from './handover/municipalities.ts';
import { createPusherNotice, type HelperNotice } from './handover/notice.ts';
import { createHttpApp } from './http/app.ts';
import { createDrain, type Drain } from './http/drain.ts';
import { createI18n } from './i18n/i18n.ts';
import { createLogger } from './logger.ts';
import { createListenFlow } from './media/listen-flow.ts';
import { createMediaRouter } from './media/route.ts';
import { createNearbyFlows } from './nearby/flow.ts';
import { createPromMetrics, type PromMetrics } from './ops/metrics.ts';
import { gracefulShutdown } from './ops/shutdown.ts';
import { createRetentionJob, type RetentionJob } from './privacy/retention.ts';
import { createUserKeys, resolveUserKeySecret } from './privacy/user-key.ts';
import { createQuestionnaireFlow } from './questionnaire/flow.ts';
import { createLiveSearch } from './search/live.ts';
import { openStore } from './storage/index.ts';
import { createPubSub } from './storage/pubsub.ts';
import type { SqlStore } from './storage/sql-store.ts';

export interface Wired {
  config: Config;
  logger: Logger;
  store: SqlStore;
  content: LiveContent;
  engine: Engine;
  app: ReturnType<typeof createHttpApp>;
  pusher: Pusher;
  /** Handover to sleutelpersonen: flow, helper inbox, timers (tests drive `handover.runTimers()`). */
  handover: Handover;
  /** The daily retention purge (started by `start()`; tests call `retention.runOnce()`). */
  retention: RetentionJob;
  /** Messages between instances (PostgreSQL LISTEN/NOTIFY; in-process with SQLite). */
  pubsub: PubSub;
  /** Prometheus metrics (served at /metrics unless METRICS_ENABLED=false). */
  metrics: PromMetrics;
  /** Refuses new requests and waits for the ones in flight (graceful shutdown). */
  drain: Drain;
  /** Starts background work: long polling, intake workers, timers. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Graceful shutdown: drain HTTP, close `server`, stop background work, close the database (see src/ops/shutdown.ts). */
  shutdown(server?: Server | null): Promise<boolean>;
}

export interface WireOptions {
  logger?: Logger;
  clock?: Clock;
  notifier?: Notifier;
  /** Delivery of short notices to helpers (default: Telegram through the channel pushers). */
  helperNotice?: HelperNotice;
  /** Use an in-memory SQLite database (terminal chat, tests). */
  memory?: boolean;
  /** Node process metrics (CPU, memory, event loop, GC) in /metrics: on for `npm start`, off for tests. */
  processMetrics?: boolean;
}

export async function wire(config: Config, opts: WireOptions = {}): Promise<Wired> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const clock = opts.clock ?? { now: () => Date.now() };
  const dataDir = resolve(config.DATA_DIR);
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    dataDir,
    memory: Boolean(opts.memory),
    ...(config.DATABASE_SCHEMA ? { schema: config.DATABASE_SCHEMA } : {}),
  });
  if (config.DATABASE_URL && !config.USER_KEY_SECRET && !opts.memory) {
    logger.warn({ event: 'user_key_secret_local' }, 'USER_KEY_SECRET is not set: fine for one instance; several instances need the same secret');
  }
  // Several instances on PostgreSQL see each other's live updates through LISTEN/NOTIFY.
  const pubsub = await createPubSub({ store, databaseUrl: opts.memory ? undefined : config.DATABASE_URL, schema: config.DATABASE_SCHEMA, logger });
  const content = createLiveContent({ dir: resolve(config.CONTENT_DIR), logger, now: clock.now });
  const metrics = createPromMetrics({ store, content, processMetrics: Boolean(opts.processMetrics) });
  const i18n = await createI18n(resolve(config.LOCALES_DIR));
  const search = createLiveSearch(content);
  const textVars = {
    transcript_days: config.RETENTION_TRANSCRIPT_DAYS,
    session_days: config.RETENTION_SESSION_DAYS,
    unanswered_days: config.RETENTION_UNANSWERED_DAYS,
  };
  // Pushers are wired below (channels); the handover only pushes later, outside requests.
  let pusherRef: Pusher | null = null;
  const lazyPusher: Pusher = { push: async (key, channel, messages) => pusherRef?.push(key, channel, messages) };
  const municipalities = loadMunicipalities();
  const handover = createHandover({
    store,
    clock,
    logger,
    i18n,
    content,
    pusher: lazyPusher,
    notice: opts.helperNotice ?? createPusherNotice({ pusher: lazyPusher, logger }),
    municipalities,
    updateMinutes: config.HANDOVER_UPDATE_MINUTES,
    expireHours: config.HANDOVER_EXPIRE_HOURS,
    baseUrl: (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, ''),
    textVars,
    pubsub,
    metrics,
  });
  // Feature flows, in order (intercepts run in this order): handover first (while connected the bot stays silent),
  // then help nearby, questionnaires, listen, feedback.
  const flows: Flow[] = [handover.flow, ...createNearbyFlows({ municipalities }), createQuestionnaireFlow(), createListenFlow(), createFeedbackFlow()];
  const engine = createEngine({
    store,
    content,
    matcher: search.matcher,
    crisis: search.crisis,
    notifier: opts.notifier ?? handover.notifier,
    clock,
    i18n,
    logger,
    textVars,
    flows,
    flood: { max: config.FLOOD_MAX_PER_MINUTE, windowMs: 60_000 },
    metrics,
  });
  const hub = createSseHub();
  const userKey = createUserKeys(
    opts.memory ? (config.USER_KEY_SECRET ?? randomBytes(32).toString('hex')) : resolveUserKeySecret(config.USER_KEY_SECRET, dataDir),
  );
  const routers: Router[] = [];
  /** Delivery of messages outside a request (helper replies, timers), per channel. */
  const pushers: Partial<Record<ChannelName, Pusher>> = {
    // Published to every instance; the one holding this user's event stream delivers it.
    web: { push: (key, _channel, messages) => pubsub.publish(WEB_TOPIC, { k: key, m: messages }) },
  };
  pubsub.subscribe(WEB_TOPIC, (p) => {
    const { k, m } = (p ?? {}) as { k?: unknown; m?: unknown };
    if (typeof k === 'string' && Array.isArray(m)) hub.send(k, m as Outbound[]);
  });
  const stoppers: (() => Promise<void>)[] = [];
  /** Background work started by `start()` (long polling, workers), not by `wire()`, so tests stay in control. */
  const starters: (() => Promise<void>)[] = [];
  // --- channels: each block is off unless configured -------------------------------------------------
  if (config.TELEGRAM_BOT_TOKEN) {
    const telegram = createTelegramChannel({
      token: config.TELEGRAM_BOT_TOKEN,
      mode: config.TELEGRAM_MODE,
      webhookSecret: config.TELEGRAM_WEBHOOK_SECRET,
      apiRoot: config.TELEGRAM_API_ROOT,
      mediaDir: resolve(config.CONTENT_DIR, 'media'),
      engine,
      store,
      userKey,
      i18n,
      clock,
      logger,
      metrics,
    });
    if (telegram.router) routers.push(telegram.router);
    pushers.telegram = telegram.pusher;
    starters.push(() => telegram.start());
    stoppers.push(() => telegram.stop());
  }
  // (whatsapp)
  if (config.WHATSAPP_TOKEN && config.WHATSAPP_PHONE_NUMBER_ID && config.WHATSAPP_APP_SECRET && config.WHATSAPP_VERIFY_TOKEN) {
    const whatsapp = createWhatsAppChannel({
      token: config.WHATSAPP_TOKEN,
      phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID,
      appSecret: config.WHATSAPP_APP_SECRET,
      verifyToken: config.WHATSAPP_VERIFY_TOKEN,
      apiBase: config.WHATSAPP_API_BASE,
      apiVersion: config.WHATSAPP_API_VERSION,
      template: {
        name: config.WHATSAPP_TEMPLATE_NAME,
        languages: templateLanguages(config.WHATSAPP_TEMPLATE_LANGUAGES),
        fallback: config.WHATSAPP_TEMPLATE_FALLBACK,
        button: config.WHATSAPP_TEMPLATE_BUTTON,
      },
      publicUrl: config.PUBLIC_URL,
      mediaDir: resolve(config.CONTENT_DIR, 'media'),
      store,
      engine,
      userKey,
      i18n,
      clock,
      logger,
      metrics,
    });
    routers.push(whatsapp.router);
    pushers.whatsapp = whatsapp.pusher;
    starters.push(() => whatsapp.start());
    stoppers.push(() => whatsapp.stop());
  }
  // ------------------------------------------------------------------------------------------------------
  const secureCookies = Boolean(config.PUBLIC_URL?.startsWith('https:'));
  routers.push(handover.router({ secure: secureCookies }));
  starters.push(async () => handover.startTimers(config.HANDOVER_TIMER_SECONDS * 1000));
  stoppers.push(() => handover.stopTimers());
  // Privacy: the daily retention purge, run by one instance per day (claimed through the database).
  const retention = createRetentionJob({
    store,
    clock,
    logger,
    config: {
      transcriptDays: config.RETENTION_TRANSCRIPT_DAYS,
      sessionDays: config.RETENTION_SESSION_DAYS,
      unansweredDays: config.RETENTION_UNANSWERED_DAYS,
      dedupeDays: config.RETENTION_DEDUPE_DAYS,
    },
  });
  starters.push(async () => retention.start());
  stoppers.push(() => retention.stop());
  routers.push(createMediaRouter({ dir: resolve(config.CONTENT_DIR, 'media') }));
  routers.push(createWebChannel({ engine, userKey, hub, logger, secureCookies: Boolean(config.PUBLIC_URL?.startsWith('https:')) }));
  if (config.METRICS_ENABLED) routers.push(metrics.router({ token: config.METRICS_TOKEN }));
  const pusher: Pusher = {
    async push(key, channel, messages) {
      const target = pushers[channel];
      if (!target) return;
      await target.push(key, channel, messages);
      if (messages.length) metrics.messagesOut(channel, messages.length);
    },
  };
  pusherRef = pusher;
  const drain = createDrain();
  const app = createHttpApp({
    logger,
    trustProxy: config.TRUST_PROXY,
    before: [drain.middleware],
    routers,
    readiness: {
      async check() {
        const db = await store.ping();
        const c = content.current();
        return {
          ok: db,
          database: db ? 'ok' : 'unreachable',
          content: { version: c.version, marker: c.marker, loadedAt: new Date(c.loadedAt).toISOString() },
          lastRejected: content.lastRejected(),
        };
      },
    },
  });
  return {
    config,
    logger,
    store,
    content,
    engine,
    app,
    pusher,
    handover,
    retention,
    pubsub,
    metrics,
    drain,
    start: async () => {
      for (const s of starters) await s();
    },
    close,
    shutdown: (server) => gracefulShutdown({ drain, server: server ?? null, close, logger, timeoutMs: config.SHUTDOWN_TIMEOUT_SECONDS * 1000 }),
  };
  async function close(): Promise<void> {
    for (const stop of stoppers) await stop().catch(() => {});
    hub.closeAll();
    content.close();
    await pubsub.close();
    await store.close();
  }
}

/** PubSub topic of web chat pushes: `{ k: userKey, m: Outbound[] }`. */
const WEB_TOPIC = 'web';

async function start(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  let wired: Wired;
  try {
    wired = await wire(config, { processMetrics: true });
  } catch (e) {
    if (e instanceof ContentLoadError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(3);
    }
    throw e;
  }
  if (config.CONTENT_WATCH) wired.content.watch();
  await wired.start();
  const server: Server = wired.app.listen(config.PORT, config.HOST, () => {
    wired.logger.info(
      { event: 'listening', port: config.PORT, content: wired.content.current().version },
      `wegwijs is listening on http://localhost:${config.PORT}`,
    );
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    wired.logger.info({ event: 'shutdown', signal }, 'shutting down');
    // The last resort if closing hangs (a database that does not answer): a little longer than the drain budget.
    setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_SECONDS * 1000 + 5_000).unref();
    void wired.shutdown(server).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/src/main.ts')) {
  void start();
}
