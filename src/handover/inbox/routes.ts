/**
 * The helper inbox at `/helpers`: pages (forms work without JavaScript), a JSON API with the same rules
 * (`Accept: application/json` or a JSON body), and Server-Sent Events for live updates. Authorization is checked
 * per request in the helper service: languages and regions for waiting conversations, ownership for actions,
 * the coordinator flag for statistics and the audit log.
 */
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
import type { HelperRow } from '../../core/handover-port.ts';
import type { Accounts } from '../accounts.ts';
import type { ActionResult, HelperSide } from '../helper-side.ts';
import type { Kernel } from '../kernel.ts';
import { loadStats } from '../stats.ts';
import { authed, createAuth, wantsJson } from './auth-routes.ts';
import { accountPage, auditPage, conversationPage, inboxPage, noticeText, statsPage } from './pages.ts';
import { helperNames, messageView, selfCheckView, summary, textDir, topicTitle, type ViewContext } from './view-model.ts';

const PUBLIC = fileURLToPath(new URL('./public/', import.meta.url));
const STATUS: Record<string, number> = { not_found: 404, forbidden: 403, taken: 409, limit: 409, not_active: 409, bad_request: 400, undelivered: 502 };

export interface InboxDeps {
  kernel: Kernel;
  helpers: HelperSide;
  accounts: Accounts;
  secure: boolean;
  heartbeatMs?: number;
}

export function createInboxRouter(deps: InboxDeps): Router {
  const { kernel, helpers: side } = deps;
  const { store, municipalities } = kernel.deps;
  const auth = createAuth({ kernel, accounts: deps.accounts, secure: deps.secure });
  const router: Router = express.Router();
  router.use('/helpers/static', express.static(PUBLIC, { maxAge: '1h', index: false }));
  router.use(auth.router);
  const body = [express.urlencoded({ extended: false, limit: '32kb' }), express.json({ limit: '32kb' })];
  const guard = auth.requireHelper;
  const post = [...body, auth.requireHelper, auth.requireCsrf];

  const viewCtx = async (): Promise<ViewContext> => ({ snapshot: kernel.deps.content.current(), helperNames: helperNames(await store.listHelpers()) });
  const coordinatorOnly = (res: Response): HelperRow | null => {
    const h = authed(res).helper;
    if (h.coordinator) return h;
    res.status(403).json({ error: 'forbidden' });
    return null;
  };

  async function lists(h: HelperRow) {
    const now = kernel.now();
    return {
      waiting: (await side.waitingFor(h)).map((c) => summary(c, municipalities, now)),
      mine: (await side.mine(h)).map((c) => summary(c, municipalities, now)),
    };
  }

  router.get('/helpers', guard, async (req, res) => {
    const { helper, session } = authed(res);
    res.type('html').send(inboxPage({ helper, csrf: session.csrf, notice: noticeText(req.query.n), ...(await lists(helper)) }));
  });

  router.get('/helpers/api/conversations', guard, async (_req, res) => {
    res.json(await lists(authed(res).helper));
  });

  async function conversationData(h: HelperRow, id: string) {
    const r = await side.view(h, id);
    if (typeof r === 'string') return r;
    const v = await viewCtx();
    const c = r.conversation;
    const snapshot = v.snapshot;
    const dir = textDir(c.note ?? '', snapshot.locales.find((l) => l.code === c.locale)?.dir ?? 'ltr');
    return {
      c,
      s: summary(c, municipalities, kernel.now()),
      messages: r.messages.map((m) => messageView(m, v)),
      topicsRead: c.topics.map((t) => ({ ...t, title: topicTitle(snapshot, t.id, 'nl') })),
      topicOptions: [...snapshot.topics.keys()]
        .map((id) => ({ id, title: topicTitle(snapshot, id, 'nl') }))
        .sort((a, b) => a.title.localeCompare(b.title, 'nl')),
      colleagues: c.helperId === h.id ? await side.transferTargets(h, c) : [],
      userDir: dir,
      selfCheck: selfCheckView(c, snapshot),
    };
  }

  router.get('/helpers/c/:id', guard, async (req, res) => {
    const { helper, session } = authed(res);
    const d = await conversationData(helper, String(req.params.id));
    if (typeof d === 'string') {
      res
        .status(STATUS[d] ?? 400)
        .type('html')
        .send(inboxPage({ helper, csrf: session.csrf, notice: noticeText(d), ...(await lists(helper)) }));
      return;
    }
    res.type('html').send(conversationPage({ helper, csrf: session.csrf, notice: noticeText(req.query.n), ...d }));
  });

  router.get('/helpers/api/c/:id', guard, async (req, res) => {
    const d = await conversationData(authed(res).helper, String(req.params.id));
    if (typeof d === 'string') {
      res.status(STATUS[d] ?? 400).json({ error: d });
      return;
    }
    const { c, s, messages, topicsRead, colleagues, selfCheck } = d;
    res.json({
      conversation: { ...s, note: c.note, consentVersion: c.consentVersion, contentVersion: c.contentVersion },
      messages,
      topicsRead,
      selfCheck,
      colleagues: colleagues.map((h) => ({ id: h.id, name: h.name })),
    });
  });

  const ACTIONS: Record<string, (h: HelperRow, id: string, b: Record<string, unknown>) => Promise<ActionResult>> = {
    claim: (h, id) => side.claim(h, id),
    reply: (h, id, b) => side.reply(h, id, b.text),
    topic: (h, id, b) => side.sendTopic(h, id, b.topic),
    note: (h, id, b) => side.note(h, id, b.text),
    release: (h, id) => side.release(h, id),
    transfer: (h, id, b) => side.transfer(h, id, b.to),
    close: (h, id, b) => side.close(h, id, b.outcome),
  };

  router.post('/helpers/c/:id/:action', ...post, async (req: Request, res: Response) => {
    const run = ACTIONS[String(req.params.action)];
    if (!run) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    const id = String(req.params.id);
    const r = await run(authed(res).helper, id, (req.body ?? {}) as Record<string, unknown>);
    if (wantsJson(req)) {
      res.status(r.ok ? 200 : (STATUS[r.error] ?? 400)).json(r.ok ? { ok: true, status: r.conversation.status } : { ok: false, error: r.error });
      return;
    }
    const back =
      req.params.action === 'release' || (r.ok && req.params.action === 'close') || (!r.ok && r.error !== 'undelivered') ? '/helpers' : `/helpers/c/${id}`;
    res.redirect(303, r.ok ? back : `${back}?n=${r.error}`);
  });

  router.get('/helpers/events', guard, async (req, res) => {
    const h = authed(res).helper;
    const cid = typeof req.query.c === 'string' ? req.query.c : null;
    if (cid && typeof (await side.visible(h, cid)) === 'string') {
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const off = kernel.bus.on((e) => {
      if (e.type === 'waiting' && !cid) send('waiting', {});
      if (e.type === 'status' && e.conversationId === cid) send('status', { status: e.status });
      if (e.type === 'message' && e.conversationId === cid) {
        // Access can change (transfer, release): check again for every message before it leaves the server.
        void (async () => {
          if (typeof (await side.visible(h, cid)) !== 'string') send('message', messageView(e.message, await viewCtx()));
        })().catch(() => {});
      }
    });
    const beat = setInterval(() => res.write(': ping\n\n'), deps.heartbeatMs ?? 25_000);
    beat.unref();
    res.on('close', () => {
      clearInterval(beat);
      off();
    });
  });

  router.get(['/helpers/stats', '/helpers/api/stats'], guard, async (req, res) => {
    const h = coordinatorOnly(res);
    if (!h) return;
    const stats = await loadStats(store, kernel.now());
    await kernel.audit(h.id, 'stats', null);
    if (req.path.includes('/api/')) res.json(stats);
    else res.type('html').send(statsPage({ helper: h, csrf: authed(res).session.csrf, stats }));
  });

  router.get(['/helpers/audit', '/helpers/api/audit'], guard, async (req, res) => {
    const h = coordinatorOnly(res);
    if (!h) return;
    const names = helperNames(await store.listHelpers());
    const rows = (await store.listAudit(300)).map((a) => ({ ...a, helper: a.helperId ? (names.get(a.helperId) ?? a.helperId) : 'wegwijs' }));
    if (req.path.includes('/api/')) res.json({ audit: rows });
    else res.type('html').send(auditPage({ helper: h, csrf: authed(res).session.csrf, rows }));
  });

  async function account(res: Response, code?: string) {
    const { helper, session } = authed(res);
    const regions = helper.regions.length
      ? helper.regions
          .map((r) =>
            r === '*'
              ? 'heel Nederland'
              : r.startsWith('prov:')
                ? `provincie ${municipalities.provinces[r.slice(5)] ?? r}`
                : (municipalities.get(r)?.name ?? r),
          )
          .join(', ')
      : 'heel Nederland';
    res.type('html').send(accountPage({ helper, csrf: session.csrf, code, schedule: helper.schedule, regions }));
  }
  router.get('/helpers/account', guard, (_req, res) => account(res));
  router.post('/helpers/account/telegram-code', ...post, async (_req, res) => {
    const code = await deps.accounts.telegramCode(authed(res).helper.id);
    await kernel.audit(authed(res).helper.id, 'telegram-code', null);
    await account(res, code);
  });

  return router;
}
