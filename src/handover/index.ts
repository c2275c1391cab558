/**
 * The handover module, assembled: the engine Flow, the Notifier, the helper inbox router and the durable timers.
 * `src/main.ts` wires it: the flow goes into `createEngine({ flows })`, the router into `routers`, the timer loop
 * into `starters`/`stoppers`.
 */
import type { Router } from 'express';
import type { Flow } from '../core/context.ts';
import type { Notifier } from '../core/ports.ts';
import { type Accounts, createAccounts } from './accounts.ts';
import { createRateLimiter } from './auth.ts';
import { relayBus } from './bus-relay.ts';
import { createEventBus, type EventBus } from './events.ts';
import { createHandoverFlow } from './flow.ts';
import { createHelperSide, type HelperSide } from './helper-side.ts';
import { createInboxRouter } from './inbox/routes.ts';
import { createKernel, type HandoverDeps, type Kernel } from './kernel.ts';
import { createTopicRenderer } from './render-topic.ts';
import { createUserSide, type UserSide } from './user-side.ts';
import { createUserTexts } from './user-texts.ts';

export interface Handover {
  flow: Flow;
  notifier: Notifier;
  router(opts: { secure: boolean }): Router;
  user: UserSide;
  helpers: HelperSide;
  accounts: Accounts;
  kernel: Kernel;
  bus: EventBus;
  /** Runs due timers once (tests call this after moving the fake clock). */
  runTimers(): Promise<number>;
  startTimers(intervalMs: number): void;
  stopTimers(): Promise<void>;
}

export function createHandover(deps: HandoverDeps): Handover {
  const bus = createEventBus();
  if (deps.pubsub) relayBus({ bus, pubsub: deps.pubsub, store: deps.store });
  const texts = createUserTexts({ i18n: deps.i18n, content: deps.content });
  const kernel = createKernel(deps, texts, bus);
  const user = createUserSide(kernel);
  const renderTopic = createTopicRenderer({
    store: deps.store,
    content: deps.content,
    i18n: deps.i18n,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.textVars ? { textVars: deps.textVars } : {}),
  });
  const helpers = createHelperSide(kernel, renderTopic);
  const accounts = createAccounts({ store: deps.store, municipalities: deps.municipalities, now: kernel.now, baseUrl: deps.baseUrl });
  const linkLimiter = createRateLimiter({ max: 5, windowMs: 3_600_000, now: kernel.now });
  const flow = createHandoverFlow({
    user,
    store: deps.store,
    municipalities: deps.municipalities,
    async linkTelegram(code, userKey) {
      if (linkLimiter.blocked(userKey)) return false;
      const ok = await accounts.linkTelegram(code, userKey);
      if (!ok) linkLimiter.fail(userKey);
      return ok;
    },
  });

  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running
      .then(() => user.runTimers())
      .catch((e: unknown) => deps.logger.error({ event: 'handover_timer_failed', err: { name: (e as Error)?.name } }, 'timer run failed'));
    return running;
  };

  return {
    flow,
    /** For callers outside the engine flow. Without recorded consent nothing is shared: the user gets the alternatives. */
    notifier: {
      async requestHuman(req) {
        if (req.consentVersion === 'none') return { status: 'unavailable', messageKey: 'handover.alternatives' };
        const r = await user.request({
          ...req,
          municipality: req.municipality ?? null,
          genderPreference: req.genderPreference ?? null,
          note: req.note ?? null,
          topics: req.topicsRead,
        });
        return {
          status: r.estimate.kind === 'none' ? 'unavailable' : 'queued',
          etaMinutes: r.estimate.kind === 'now' ? deps.updateMinutes : null,
          messageKey: 'handover.queued',
        };
      },
    },
    router: (opts) => createInboxRouter({ kernel, helpers, accounts, secure: opts.secure }),
    user,
    helpers,
    accounts,
    kernel,
    bus,
    runTimers: async () => {
      let n = 0;
      running = running.then(async () => {
        n = await user.runTimers();
      });
      await running;
      return n;
    },
    startTimers(intervalMs) {
      if (timer) return;
      void tick();
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
    },
    async stopTimers() {
      if (timer) clearInterval(timer);
      timer = null;
      await running.catch(() => {});
    },
  };
}
