/**
 * The express application: health and readiness, channel routers, and error handling that never leaks
 * stack traces or internal paths.
 */
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from '../core/ports.ts';

export interface Readiness {
  check(): Promise<{ ok: boolean; [k: string]: unknown }>;
}

export interface HttpAppDeps {
  logger: Logger;
  readiness: Readiness;
  routers: Router[];
  trustProxy?: boolean;
  /** Middleware that sees every request first (the shutdown drain). */
  before?: RequestHandler[];
}

export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxy) app.set('trust proxy', 1);
  for (const m of deps.before ?? []) app.use(m);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          mediaSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    const r = await deps.readiness.check().catch(() => ({ ok: false }));
    res.status(r.ok ? 200 : 503).json(r);
  });
  for (const r of deps.routers) app.use(r);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status >= 500) deps.logger.error({ event: 'http_error', err: { name: err?.name, code: err?.code } }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json({ error: status === 400 ? 'bad_request' : status === 413 ? 'too_large' : status < 500 ? 'bad_request' : 'internal_error' });
  };
  app.use(onError);
  return app;
}
