/**
 * The WhatsApp channel on the Cloud API, assembled: webhook router, durable intake, worker, Graph API client,
 * renderer, 24-hour window handling and the pusher for messages sent later (a sleutelpersoon's reply).
 * `src/main.ts` creates it only when all four WHATSAPP_* credentials are set. Setup: docs/whatsapp-setup.md.
 */
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import type { Engine } from '../../core/engine.ts';
import type { Outbound } from '../../core/messages.ts';
import type { Clock, I18n, Logger, Metrics, Pusher, Store } from '../../core/ports.ts';
import type { UserKeyFn } from '../../privacy/user-key.ts';
import { createDelivery } from './delivery.ts';
import { createGraphClient, type GraphClient, GraphError } from './graph-client.ts';
import { createIntake } from './intake.ts';
import { createMediaResolver } from './media.ts';
import { createProcessor } from './process-item.ts';
import { renderOutbound } from './render.ts';
import { createWebhookRouter } from './routes.ts';
import type { TemplateConfig } from './template.ts';
import { createIntakeWorker, type IntakeWorker } from './worker.ts';

export interface WhatsAppChannelDeps {
  token: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  apiBase: string;
  apiVersion: string;
  template: TemplateConfig;
  /** Absolute base for `/media/...` links; without it media are uploaded to the Graph API. */
  publicUrl?: string | undefined;
  mediaDir: string;
  store: Store;
  engine: Engine;
  userKey: UserKeyFn;
  i18n: I18n;
  clock: Clock;
  logger: Logger;
  defaultLocale?: string;
  fetch?: typeof fetch;
  /** Worker timing (tests shorten these). */
  worker?: { pollMs?: number; leaseMs?: number; retryBaseMs?: number; retryMaxMs?: number };
  bodyLimit?: string;
  /** Counts failed Graph API calls by error code. */
  metrics?: Pick<Metrics, 'platformError'>;
}

export interface WhatsAppChannel {
  router: Router;
  pusher: Pusher;
  worker: IntakeWorker;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Counts Graph API failures by platform code (or HTTP status; `network` without an answer), then rethrows. */
function observeErrors(graph: GraphClient, metrics: Pick<Metrics, 'platformError'> | undefined): GraphClient {
  if (!metrics) return graph;
  const count = (e: unknown) => {
    const g = e instanceof GraphError ? e : null;
    metrics.platformError('whatsapp', g ? (g.code ?? (g.status ? `http_${g.status}` : 'network')) : 'error');
    throw e;
  };
  return {
    send: (to, message) => graph.send(to, message).catch(count),
    uploadMedia: (data, mime, filename) => graph.uploadMedia(data, mime, filename).catch(count),
  };
}

export function createWhatsAppChannel(deps: WhatsAppChannelDeps): WhatsAppChannel {
  const { store, clock, logger } = deps;
  const graph = observeErrors(
    createGraphClient({
      baseUrl: deps.apiBase,
      version: deps.apiVersion,
      token: deps.token,
      phoneNumberId: deps.phoneNumberId,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    }),
    deps.metrics,
  );
  const media = createMediaResolver({ graph, mediaDir: deps.mediaDir, publicUrl: deps.publicUrl, now: () => clock.now() });
  const delivery = createDelivery({ graph, media, store, clock, logger, template: deps.template });
  const processItem = createProcessor({
    store,
    engine: deps.engine,
    delivery,
    render: (out: Outbound[]) => renderOutbound(out, { t: (lang, key) => deps.i18n.t(lang, key) }),
    i18n: deps.i18n,
    logger,
    template: deps.template,
    defaultLocale: deps.defaultLocale ?? 'en',
  });
  const worker = createIntakeWorker({ store, channel: 'whatsapp', process: processItem, clock, logger, ...deps.worker });
  const intake = createIntake({ store, userKey: deps.userKey, clock, logger });
  const router = createWebhookRouter({
    appSecret: deps.appSecret,
    verifyToken: deps.verifyToken,
    phoneNumberId: deps.phoneNumberId,
    intake,
    clock,
    logger,
    onStored: () => worker.nudge(),
    ...(deps.bodyLimit ? { limit: deps.bodyLimit } : {}),
  });
  const pusher: Pusher = {
    /** Queues the messages durably; the worker delivers them, as a template first when the window has closed. */
    async push(userKey, _channel, messages) {
      if (!messages.length) return;
      await store.intakeAdd({
        channel: 'whatsapp',
        messageId: `push:${randomUUID()}`,
        userKey,
        kind: 'push',
        payload: JSON.stringify(messages),
        at: clock.now(),
      });
      worker.nudge();
    },
  };
  return {
    router,
    pusher,
    worker,
    async start() {
      worker.start();
      logger.info({ event: 'wa_started' }, 'WhatsApp channel started');
    },
    stop: () => worker.stop(),
  };
}
