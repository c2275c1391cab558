/**
 * Prometheus metrics with prom-client, behind the Metrics port (src/core/ports.ts), plus the `GET /metrics` route.
 * Counters are per instance (Prometheus adds instances up with `sum`); the conversation gauges are read from the
 * database when scraped, so every instance reports the same cluster-wide value (use `max`, not `sum`). No label
 * ever carries a user key, a platform id or a text.
 * @see https://github.com/siimon/prom-client
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { HandoverStore } from '../core/handover-port.ts';
import type { ContentPort, Metrics } from '../core/ports.ts';

export interface PromMetricsDeps {
  store: Pick<HandoverStore, 'conversationCounts'>;
  content: ContentPort;
  /** Node process metrics (CPU, memory, event loop lag, GC): on for the real process, off for tests. */
  processMetrics?: boolean;
}

export interface PromMetrics extends Metrics {
  registry: Registry;
  /** `GET /metrics`; with a token, only for `Authorization: Bearer <token>`. */
  router(opts: { token?: string | undefined }): Router;
}

const sha = (s: string) => createHash('sha256').update(s).digest();

export function createPromMetrics(deps: PromMetricsDeps): PromMetrics {
  const registry = new Registry();
  if (deps.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const messagesIn = new Counter({ name: 'wegwijs_messages_in_total', help: 'Messages received from users, per channel.', labelNames: ['channel'], registers });
  const messagesOut = new Counter({
    name: 'wegwijs_messages_out_total',
    help: 'Messages sent to users (answers and later pushes), per channel.',
    labelNames: ['channel'],
    registers,
  });
  const outcomes = new Counter({
    name: 'wegwijs_match_outcomes_total',
    help: 'Free-text questions by outcome (answered, choices, not_found) and crisis cards shown (crisis).',
    labelNames: ['outcome'],
    registers,
  });
  for (const o of ['answered', 'choices', 'not_found', 'crisis']) outcomes.inc({ outcome: o }, 0);
  const platformErrors = new Counter({
    name: 'wegwijs_platform_errors_total',
    help: 'Failed calls to platform APIs (Telegram Bot API, WhatsApp Cloud API), per channel and error code.',
    labelNames: ['channel', 'code'],
    registers,
  });
  const timeToClaim = new Histogram({
    name: 'wegwijs_handover_time_to_claim_seconds',
    help: 'Time from a conversation starting to wait until a sleutelpersoon claims it.',
    buckets: [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400, 172_800],
    registers,
  });
  new Gauge({
    name: 'wegwijs_handover_conversations',
    help: 'Conversations waiting for a sleutelpersoon and claimed by one (cluster-wide, read from the database).',
    labelNames: ['status'],
    registers,
    async collect() {
      // Without the database the last values stay; the other metrics are still worth scraping.
      const c = await deps.store.conversationCounts().catch(() => null);
      if (!c) return;
      this.set({ status: 'waiting' }, c.waiting);
      this.set({ status: 'claimed' }, c.active);
    },
  });
  new Gauge({
    name: 'wegwijs_content_info',
    help: 'The content version this instance serves (value 1).',
    labelNames: ['version', 'marker'],
    registers,
    collect() {
      const c = deps.content.current();
      this.reset();
      this.set({ version: c.version, marker: c.marker }, 1);
    },
  });

  return {
    registry,
    messageIn: (channel) => messagesIn.inc({ channel }),
    messagesOut: (channel, count) => messagesOut.inc({ channel }, count),
    matchOutcome: (outcome) => outcomes.inc({ outcome }),
    platformError: (channel, code) => platformErrors.inc({ channel, code: String(code).slice(0, 32) }),
    claimed: (waitMs) => timeToClaim.observe(Math.max(0, waitMs) / 1000),
    router(opts) {
      const router = express.Router();
      const want = opts.token ? sha(`Bearer ${opts.token}`) : null;
      router.get('/metrics', async (req, res) => {
        if (want && !timingSafeEqual(sha(req.get('authorization') ?? ''), want)) {
          res.status(401).json({ error: 'unauthorized' });
          return;
        }
        try {
          const body = await registry.metrics();
          res.set('Content-Type', registry.contentType).set('Cache-Control', 'no-store').send(body);
        } catch {
          res.status(503).json({ error: 'unavailable' });
        }
      });
      return router;
    },
  };
}
