import cookieParser from 'cookie-parser';
import express, {
  type Router,
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { randomBytes } from 'node:crypto';
import { secretMatcher } from '../auth';
import { routerWithStrictPaths } from '../router';
import { HttpError } from '../errors';
import { clientKey, type Limiter } from '../rate-limits';
import { messageKeyParams, messagesQuery, resendDeadQuery, suppressionParams } from '../schemas';
import { MailEventRecord } from '../../domain/models';
import type { AdminSession, AdminSessions } from '../services/admin-sessions';
import { OVERVIEW_CACHE_SECONDS, type createConsoleService } from '../services/console';
import type { createMessageService } from '../services/messages';
import type { SuppressionService } from '../services/suppressions';
import type { createUserService } from '../services/users';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../session-cookie';
import { html } from '../views/html';
import { layout } from '../views/admin/layout';
import { loginPage } from '../views/admin/login';
import { messagePage } from '../views/admin/message';
import { clean, messagesPage, type Filters } from '../views/admin/messages';
import { overviewPage } from '../views/admin/overview';
import { registrationPage } from '../views/admin/registration';
import { liftConfirmPage, suppressionsPage } from '../views/admin/suppressions';
import { resendDeadChoosePage, resendDeadConfirmPage, resendDeadDonePage } from '../views/admin/resend-dead';
import { templatesPage } from '../views/admin/templates';
import { isPreviewName, renderPreview } from '../../infra/templates/preview';
import type { TemplateSet } from '../../infra/templates/template-set';
import type { SentMail } from '../../domain/messaging';

const LOGIN_COOKIE = 'admin_login';
const PAGE_SIZE = 50;
/** The most one "resend all" takes up (resend-dead's own maximum). */
export const RESEND_ALL_LIMIT = 1000;
const FILTERS = ['status', 'topic', 'consumerGroup', 'messageKey', 'userId', 'from', 'to'] as const;

export interface AdminConsoleDeps {
  adminToken: string;
  adminSessions: AdminSessions;
  messages: ReturnType<typeof createMessageService>;
  users: ReturnType<typeof createUserService>;
  console: ReturnType<typeof createConsoleService>;
  suppressions: SuppressionService;
  limits: { adminLogin: Limiter };
  adminConsole: { temporalUiUrl: string; namespace: string; secureCookies: boolean };
  templates: TemplateSet;
}

type Locals = { session: AdminSession; sessionId: string };
const locals = (res: Response) => res.locals as Locals;
const send = (res: Response, status: number, page: string) => res.status(status).type('html').send(page);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const cookieOf = (req: Request, name: string) => str((req.cookies as Record<string, unknown> | undefined)?.[name]);

/**
 * The operator console at /admin: server-rendered pages over the messages service, behind a login with
 * the admin token. A session is an opaque id in an HttpOnly, SameSite=Strict cookie (Secure when the
 * public URL is https), kept in Redis; every POST carries the session's CSRF token (the login form a
 * double-submit one), and no page holds a script.
 */
export function adminRouter(deps: AdminConsoleDeps): Router {
  const outer = routerWithStrictPaths();
  const router = routerWithStrictPaths();
  // Guarded by where it is mounted: every request under /admin, in any spelling Express would route
  // there, goes through this router's session and CSRF checks before a page is reached.
  outer.use('/admin', router);
  const tokenMatches = secretMatcher(deps.adminToken);
  const cookie = (maxAgeSeconds: number) => ({
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: deps.adminConsole.secureCookies,
    path: '/admin',
    maxAge: maxAgeSeconds * 1000,
  });
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.use(cookieParser(), (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  const showLogin = (res: Response, status: number, problem?: string) => {
    const loginCsrf = randomBytes(32).toString('base64url');
    res.cookie(LOGIN_COOKIE, loginCsrf, cookie(3600));
    send(res, status, loginPage(loginCsrf, problem));
  };

  router.get('/login', async (req, res) => {
    if (await deps.adminSessions.get(cookieOf(req, SESSION_COOKIE))) return res.redirect(303, '/admin');
    showLogin(res, 200);
  });

  router.post('/login', form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await deps.limits.adminLogin(clientKey(req));
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 429) throw err;
      res.set(err.headers);
      return showLogin(res, 429, `Too many attempts. ${err.message.replace(/^Too many requests\. /, '')}`);
    }
    const loginCsrf = cookieOf(req, LOGIN_COOKIE);
    if (!loginCsrf || !secretMatcher(loginCsrf)(str(body._csrf))) {
      return showLogin(res, 403, 'This form has expired or did not come from this console. Try again.');
    }
    if (!tokenMatches(str(body.token))) return showLogin(res, 401, 'That is not the admin token.');
    const { id } = await deps.adminSessions.create();
    res.clearCookie(LOGIN_COOKIE, { path: '/admin' });
    setSessionCookie(res, id, cookie(deps.adminSessions.ttlSeconds));
    res.redirect(303, '/admin');
  });

  const requireSession: RequestHandler = async (req, res, next) => {
    const sessionId = cookieOf(req, SESSION_COOKIE);
    const session = await deps.adminSessions.get(sessionId);
    if (!session) {
      if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, '/admin/login');
      return showLogin(res, 401, 'Your session has ended. Log in again.');
    }
    Object.assign(res.locals, { session, sessionId: sessionId! } satisfies Locals);
    next();
  };
  /** Every state-changing request carries the session's synchronizer token. */
  const requireCsrf: RequestHandler = (req, res, next) => {
    const presented = str((req.body as Record<string, unknown> | undefined)?._csrf);
    if (!secretMatcher(locals(res).session.csrfToken)(presented)) {
      throw new HttpError(
        403,
        'CSRF_TOKEN_INVALID',
        'This form has expired or did not come from this console. Reload the page and try again.',
      );
    }
    next();
  };
  // Everything below the login needs a session; every request but a GET or HEAD also its CSRF token.
  router.use(requireSession, form, (req, res, next) =>
    req.method === 'GET' || req.method === 'HEAD' ? next() : requireCsrf(req, res, next),
  );
  const ctx = (res: Response) => ({ csrfToken: locals(res).session.csrfToken });

  router.post('/logout', async (_req, res) => {
    await deps.adminSessions.destroy(locals(res).sessionId);
    clearSessionCookie(res);
    res.redirect(303, '/admin/login');
  });

  router.get('/', async (_req, res) => {
    send(res, 200, overviewPage(ctx(res), await deps.console.overview(), OVERVIEW_CACHE_SECONDS));
  });

  router.get('/messages', async (req, res) => {
    const filters: Filters = Object.fromEntries(FILTERS.map((f) => [f, str(req.query[f])]));
    const parsed = messagesQuery.safeParse({ ...clean(filters), limit: PAGE_SIZE, cursor: str(req.query.cursor) });
    if (!parsed.success) {
      const problem = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return send(res, 400, messagesPage(ctx(res), filters, undefined, `These filters do not work: ${problem}`));
    }
    send(res, 200, messagesPage(ctx(res), filters, await deps.messages.list(parsed.data)));
  });

  const workflowUrlOf = (workflowId: string) => {
    const { temporalUiUrl, namespace } = deps.adminConsole;
    return `${temporalUiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  };

  router.get('/registrations', async (req, res) => {
    const email = str(req.query.email)?.trim();
    if (!email) return send(res, 200, registrationPage(ctx(res), undefined, undefined));
    try {
      const user = await deps.users.findByEmail(email);
      const { items } = await deps.messages.list(messagesQuery.parse({ userId: user.userId, limit: 50 }));
      send(
        res,
        200,
        registrationPage(ctx(res), email, { user, messages: items, workflowUrl: workflowUrlOf(user.workflowId) }),
      );
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 404) throw err;
      send(res, 404, registrationPage(ctx(res), email, undefined, 'No registration with this e-mail address.'));
    }
  });

  const showMessage = async (
    res: Response,
    messageKey: string,
    status: number,
    notice?: { ok: boolean; text: string },
  ) => {
    const message = await deps.messages.get(messageKey);
    const events = await MailEventRecord.find({ 'target.messageKey': messageKey }).sort({ at: 1 }).lean();
    const currentVersion = (sent: SentMail) =>
      isPreviewName(sent.template) && deps.templates.locales.includes(sent.locale)
        ? renderPreview(deps.templates, sent.template, sent.locale).version
        : undefined;
    send(
      res,
      status,
      messagePage(
        ctx(res),
        message,
        { workflowUrl: workflowUrlOf(message.workflowId) },
        notice,
        events,
        currentVersion,
      ),
    );
  };
  const messageKeyOf = (params: unknown) => {
    const parsed = messageKeyParams.safeParse(params);
    if (!parsed.success) throw new HttpError(404, 'MESSAGE_NOT_FOUND', 'No such message.');
    return parsed.data.messageKey;
  };

  router.get('/messages/:messageKey', async (req, res) => {
    const resent = req.query.resent === '1';
    await showMessage(
      res,
      messageKeyOf(req.params),
      200,
      resent ? { ok: true, text: 'Resend requested: the message is being delivered again.' } : undefined,
    );
  });

  router.post('/messages/:messageKey/resend', async (req, res) => {
    const messageKey = messageKeyOf(req.params);
    try {
      await deps.messages.resend(messageKey);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 409) throw err;
      return showMessage(res, messageKey, 409, { ok: false, text: err.message });
    }
    res.redirect(303, `/admin/messages/${encodeURIComponent(messageKey)}?resent=1`);
  });

  const chosenTemplate = (query: Record<string, unknown>) => {
    const name = query.template;
    if (!isPreviewName(name)) throw new HttpError(404, 'TEMPLATE_NOT_FOUND', 'No such template.');
    const locale = str(query.locale) ?? deps.templates.defaultLocale;
    return { name, locale, preview: renderPreview(deps.templates, name, locale) };
  };

  router.get('/templates', (req, res) => {
    const chosen = req.query.template === undefined ? undefined : chosenTemplate(req.query);
    send(res, 200, templatesPage(ctx(res), deps.templates, chosen));
  });

  // The HTML part alone, for the preview's frame: sandboxed by its own CSP too, so that it runs nothing
  // and loads nothing even when opened outside the frame.
  router.get('/templates/frame', (req, res) => {
    const { preview } = chosenTemplate(req.query);
    res.set(
      'Content-Security-Policy',
      "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
    );
    send(res, 200, preview.html);
  });

  const deadScope = (source: Record<string, unknown>) => {
    const parsed = resendDeadQuery
      .omit({ limit: true })
      .safeParse(clean({ topic: str(source.topic), consumerGroup: str(source.consumerGroup) }));
    if (!parsed.success) throw new HttpError(400, 'VALIDATION_FAILED', 'That topic or consumer group is not valid.');
    return parsed.data;
  };

  router.get('/resend-dead', async (req, res) => {
    if (!('topic' in req.query) && !('consumerGroup' in req.query))
      return send(res, 200, resendDeadChoosePage(ctx(res)));
    const scope = deadScope(req.query);
    send(res, 200, resendDeadConfirmPage(ctx(res), scope, await deps.messages.countDead(scope), RESEND_ALL_LIMIT));
  });

  router.post('/resend-dead', async (req, res) => {
    const scope = deadScope((req.body ?? {}) as Record<string, unknown>);
    const { resent } = await deps.messages.resendDead({ ...scope, limit: RESEND_ALL_LIMIT });
    send(res, 200, resendDeadDonePage(ctx(res), scope, resent));
  });

  const addressOf = (source: unknown) => {
    const parsed = suppressionParams.safeParse({ email: str((source as Record<string, unknown> | undefined)?.email) });
    if (!parsed.success) throw new HttpError(400, 'VALIDATION_FAILED', 'That is not an e-mail address.');
    return parsed.data.email;
  };

  router.get('/suppressions', async (req, res) => {
    const search = str(req.query.email)?.trim() || undefined;
    const lifted = str(req.query.lifted);
    const notice = lifted ? { ok: true, text: `${lifted} is no longer suppressed.` } : undefined;
    if (search && !suppressionParams.safeParse({ email: search }).success) {
      return send(
        res,
        400,
        suppressionsPage(ctx(res), search, [], { ok: false, text: 'That is not an e-mail address.' }),
      );
    }
    send(res, 200, suppressionsPage(ctx(res), search, await deps.suppressions.list(search), notice));
  });

  router.get('/suppressions/lift', async (req, res) => {
    const [entry] = await deps.suppressions.list(addressOf(req.query));
    if (!entry) throw new HttpError(404, 'SUPPRESSION_NOT_FOUND', 'This address is not on the suppression list.');
    send(res, 200, liftConfirmPage(ctx(res), entry));
  });

  router.post('/suppressions/lift', async (req, res) => {
    const { email } = await deps.suppressions.lift(addressOf(req.body));
    res.redirect(303, `/admin/suppressions?lifted=${encodeURIComponent(email)}`);
  });

  /** The console's own errors as pages; anything else goes on to the API's error handler. */
  const pageErrors: ErrorRequestHandler = (err, req, res, next) => {
    if (!(err instanceof HttpError)) return next(err);
    const signedIn = (res.locals as Partial<Locals>).session;
    send(
      res.set(err.headers),
      err.status,
      layout(
        err.status === 403 ? 'Refused' : 'Not possible',
        signedIn ? ctx(res) : {},
        html`<p class="error" role="alert">${err.message}</p>`,
      ),
    );
  };
  router.use(pageErrors);
  return outer;
}
