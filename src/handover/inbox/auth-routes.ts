/**
 * Inbox authentication: login (scrypt, rate limited per address and per login name), logout, one-time
 * set-password links, the session cookie (HttpOnly, SameSite=Strict, Secure behind HTTPS, path /helpers) and CSRF
 * tokens: per session for signed-in forms, a double-submit cookie for the login and set-password forms.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { HelperRow, HelperSessionRow } from '../../core/handover-port.ts';
import type { Accounts } from '../accounts.ts';
import { createRateLimiter, MIN_PASSWORD, newToken, safeEqual, sha256, verifyPassword } from '../auth.ts';
import type { Kernel } from '../kernel.ts';
import { html, layout } from './html.ts';

export const SESSION_COOKIE = 'wegwijs_helper';
const PRE_COOKIE = 'wegwijs_helper_pre';
const SESSION_MS = 12 * 3_600_000;

export interface Authed {
  helper: HelperRow;
  session: HelperSessionRow;
}

export function readCookie(req: Request, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) {
      const val = v.join('=');
      return /^[A-Za-z0-9_-]{16,128}$/.test(val) ? val : null;
    }
  }
  return null;
}

export const wantsJson = (req: Request) => Boolean(req.is('application/json')) || (req.get('accept') ?? '').includes('application/json');

export function authed(res: Response): Authed {
  return res.locals.authed as Authed;
}

export function createAuth(deps: { kernel: Kernel; accounts: Accounts; secure: boolean }) {
  const { store } = deps.kernel.deps;
  const now = () => deps.kernel.now();
  // Per login name 5 failures per 15 minutes; per address more, as a team may share one office address.
  const byLogin = createRateLimiter({ max: 5, windowMs: 15 * 60_000, now });
  const byAddress = createRateLimiter({ max: 20, windowMs: 15 * 60_000, now });
  const cookieBase = { httpOnly: true, sameSite: 'strict' as const, secure: deps.secure, path: '/helpers' };

  /** Loads the signed-in helper; anonymous requests go to the login page (HTML) or get 401 (JSON). */
  async function requireHelper(req: Request, res: Response, next: NextFunction): Promise<void> {
    const cookie = readCookie(req, SESSION_COOKIE);
    const session = cookie ? await store.getHelperSession(sha256(cookie), now()) : undefined;
    const helper = session ? await store.getHelper(session.helperId) : undefined;
    if (!session || !helper?.active) {
      if (wantsJson(req) || req.path.includes('/api/') || req.path.endsWith('/events')) res.status(401).json({ error: 'login_required' });
      else res.redirect(303, '/helpers/login');
      return;
    }
    res.locals.authed = { helper, session } satisfies Authed;
    res.set('Cache-Control', 'no-store');
    next();
  }

  /** Every state-changing request of a signed-in helper carries the session's CSRF token (form field or header). */
  function requireCsrf(req: Request, res: Response, next: NextFunction): void {
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
    if (typeof sent !== 'string' || !safeEqual(sent, authed(res).session.csrf)) {
      res.status(403).json({ error: 'csrf' });
      return;
    }
    next();
  }

  function preToken(req: Request, res: Response): string {
    const existing = readCookie(req, PRE_COOKIE);
    if (existing) return existing;
    const t = newToken(18);
    res.cookie(PRE_COOKIE, t, { ...cookieBase, maxAge: 3_600_000 });
    return t;
  }

  function preOk(req: Request): boolean {
    const c = readCookie(req, PRE_COOKIE);
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
    return Boolean(c) && typeof sent === 'string' && safeEqual(sent, c ?? '');
  }

  const loginPage = (token: string, message?: string) =>
    layout({
      title: 'Inloggen',
      body: html`<section class="card narrow"><h1>Inloggen</h1>${message ? html`<p class="notice" role="alert">${message}</p>` : ''}
        <form method="post" action="/helpers/login" class="stack"><input type="hidden" name="_csrf" value="${token}">
        <label>Gebruikersnaam<input name="login" autocomplete="username" required maxlength="60" autocapitalize="none"></label>
        <label>Wachtwoord<input name="password" type="password" autocomplete="current-password" required maxlength="200"></label>
        <button type="submit" class="primary">Inloggen</button></form></section>`,
    });

  const passwordPage = (token: string, linkToken: string, message?: string) =>
    layout({
      title: 'Wachtwoord instellen',
      body: html`<section class="card narrow"><h1>Wachtwoord instellen</h1>${message ? html`<p class="notice" role="alert">${message}</p>` : ''}
        <p>Kies een wachtwoord van minstens ${MIN_PASSWORD} tekens. Deze link werkt één keer.</p>
        <form method="post" action="/helpers/set-password" class="stack"><input type="hidden" name="_csrf" value="${token}"><input type="hidden" name="token" value="${linkToken}">
        <label>Nieuw wachtwoord<input name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD}" maxlength="200"></label>
        <label>Nog een keer<input name="password2" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD}" maxlength="200"></label>
        <button type="submit" class="primary">Opslaan</button></form></section>`,
    });

  const router: Router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/helpers/login', (req, res) => {
    res.type('html').send(loginPage(preToken(req, res), req.query.done === 'password' ? 'Je wachtwoord is ingesteld. Log nu in.' : undefined));
  });

  router.post('/helpers/login', form, async (req, res) => {
    // Only urlencoded bodies are parsed here: anything else leaves req.body undefined (a 403 below, not a 500).
    const body = (req.body ?? {}) as Record<string, unknown>;
    const login = typeof body.login === 'string' ? body.login.trim().toLowerCase().slice(0, 60) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 200) : '';
    const loginKey = `login:${login}`;
    const ipKey = `ip:${req.ip}`;
    if (!preOk(req)) {
      res
        .status(403)
        .type('html')
        .send(loginPage(preToken(req, res), 'De pagina was verlopen. Probeer het opnieuw.'));
      return;
    }
    if (byLogin.blocked(loginKey) || byAddress.blocked(ipKey)) {
      deps.kernel.deps.logger.warn({ event: 'helper_login_limited' }, 'login rate limit');
      res
        .status(429)
        .type('html')
        .send(loginPage(preToken(req, res), 'Te veel pogingen. Wacht 15 minuten en probeer het opnieuw.'));
      return;
    }
    const helper = login ? await store.getHelperByLogin(login) : undefined;
    const ok = (await verifyPassword(password, helper?.passwordHash ?? null)) && helper?.active === true;
    if (!ok || !helper) {
      byLogin.fail(loginKey);
      byAddress.fail(ipKey);
      res
        .status(401)
        .type('html')
        .send(loginPage(preToken(req, res), 'Gebruikersnaam of wachtwoord klopt niet.'));
      return;
    }
    byLogin.reset(loginKey);
    const token = newToken();
    await store.createHelperSession({ idHash: sha256(token), helperId: helper.id, csrf: newToken(24), createdAt: now(), expiresAt: now() + SESSION_MS });
    await deps.kernel.audit(helper.id, 'login', null);
    res.cookie(SESSION_COOKIE, token, { ...cookieBase, maxAge: SESSION_MS });
    res.redirect(303, '/helpers');
  });

  router.post('/helpers/logout', form, express.json({ limit: '4kb' }), requireHelper, requireCsrf, async (req, res) => {
    const cookie = readCookie(req, SESSION_COOKIE);
    if (cookie) await store.deleteHelperSession(sha256(cookie));
    await deps.kernel.audit(authed(res).helper.id, 'logout', null);
    res.clearCookie(SESSION_COOKIE, cookieBase);
    res.redirect(303, '/helpers/login');
  });

  router.get('/helpers/set-password', (req, res) => {
    const token = typeof req.query.token === 'string' && /^[A-Za-z0-9_-]{20,100}$/.test(req.query.token) ? req.query.token : '';
    res.type('html').send(passwordPage(preToken(req, res), token, token ? undefined : 'Deze link is niet compleet. Vraag de beheerder om een nieuwe link.'));
  });

  router.post('/helpers/set-password', form, async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const token = typeof b.token === 'string' ? b.token : '';
    const p1 = typeof b.password === 'string' ? b.password : '';
    const again = (msg: string, status = 400) =>
      res
        .status(status)
        .type('html')
        .send(passwordPage(preToken(req, res), token, msg));
    if (!preOk(req)) return void again('De pagina was verlopen. Probeer het opnieuw.', 403);
    if (p1.length < MIN_PASSWORD || p1.length > 200) return void again(`Het wachtwoord moet minstens ${MIN_PASSWORD} tekens hebben.`);
    if (p1 !== b.password2) return void again('De twee wachtwoorden zijn niet gelijk.');
    const helper = await deps.accounts.setPassword(token, p1);
    if (!helper) return void again('Deze link is ongeldig, al gebruikt of verlopen. Vraag de beheerder om een nieuwe link.');
    await deps.kernel.audit(helper.id, 'set-password', null);
    res.redirect(303, '/helpers/login?done=password');
  });

  return { router, requireHelper, requireCsrf };
}
