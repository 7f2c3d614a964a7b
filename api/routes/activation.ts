import express, { type Request, type Response, type Router } from 'express';
import { HttpError } from '../errors';
import { clientKey } from '../rate-limits';
import { routerWithStrictPaths } from '../router';
import { activateBody, activationCode, resendActivationBody, tokenParams } from '../schemas';
import type { Services } from '../services';
import { ALREADY_ACTIVE, type ActivationAnswer } from '../services/activation';
import { validate, validated } from '../validate';
import type { TemplateSet } from '../../infra/templates/template-set';
import { sendPage } from '../views/activation-page';

/** What a GET of a pending registration's link answers a JSON client: it activates nothing. */
export const CONFIRM_WITH_POST = {
  status: 'CONFIRM_WITH_POST',
  message:
    'Opening this link activates nothing: POST to it (the button of its page does), or POST {"token"} to /api/users/activate.',
} as const;

const form = express.urlencoded({ extended: false, limit: '2kb' });
const wantsHtml = (req: Request) => req.accepts(['application/json', 'text/html']) === 'text/html';

/**
 * Activation. GET and HEAD of the mail's link change nothing, for any client (link scanners open links,
 * run their scripts and submit forms that submit themselves): a browser gets a page whose one button
 * POSTs the token, a JSON client CONFIRM_WITH_POST. The POST activates; so does the JSON API's POST
 * /api/users/activate, with the token or with the address and the mail's code, and the page
 * /activate/code for a person on another device.
 */
export function activationRouter(deps: Pick<Services, 'activation' | 'templates'>): Router {
  const router = routerWithStrictPaths();
  const { templates } = deps;

  router.get('/api/users/activate/:token', validate('params', tokenParams), async (req, res) => {
    const html = wantsHtml(req);
    const { token } = validated(res, 'params', tokenParams);
    try {
      const state = await deps.activation.linkState(token);
      if (state === 'PENDING') {
        if (html) sendPage(templates, req, res, 'activation-confirm', { token });
        else res.json(CONFIRM_WITH_POST);
      } else if (html) sendPage(templates, req, res, 'already-active', {});
      else res.json(ALREADY_ACTIVE);
    } catch (err) {
      sendInvalidLinkPage(templates, req, res, err);
    }
  });

  router.post('/api/users/activate/:token', form, validate('params', tokenParams), async (req, res) => {
    try {
      answer(templates, req, res, await deps.activation.activate(validated(res, 'params', tokenParams).token));
    } catch (err) {
      sendInvalidLinkPage(templates, req, res, err);
    }
  });

  router.post('/api/users/activate', validate('body', activateBody), async (req, res) => {
    const body = validated(res, 'body', activateBody);
    res.json(
      'token' in body
        ? await deps.activation.activate(body.token)
        : await deps.activation.redeemCode(body.email, body.code, clientKey(req)),
    );
  });

  router.get('/activate/code', (req, res) => {
    sendPage(templates, req, res, 'code-entry', {});
  });

  router.post('/activate/code', form, async (req, res) => {
    const fields = (req.body ?? {}) as { email?: unknown; code?: unknown };
    const email = resendActivationBody.shape.email.safeParse(fields.email);
    const code = activationCode.safeParse(fields.code);
    try {
      if (!email.success || !code.success) throw new HttpError(400, 'VALIDATION_FAILED', 'invalid form');
      const activated = await deps.activation.redeemCode(email.data, code.data, clientKey(req));
      sendPage(templates, req, res, activated.status === 'ENABLED' ? 'activation-done' : 'already-active', {});
    } catch (err) {
      if (!(err instanceof HttpError) || ![400, 410, 429].includes(err.status)) throw err;
      res.status(err.status).set(err.headers);
      sendPage(templates, req, res, err.status === 429 ? 'code-limited' : 'code-invalid', {});
    }
  });

  return router;
}

function answer(templates: TemplateSet, req: Request, res: Response, activated: ActivationAnswer): void {
  if (!wantsHtml(req)) {
    res.json(activated);
    return;
  }
  sendPage(templates, req, res, activated.status === 'ENABLED' ? 'activation-done' : 'already-active', {});
}

/** A link that does not work: a browser gets the page that offers a new one; anything else goes on as it is. */
function sendInvalidLinkPage(templates: TemplateSet, req: Request, res: Response, err: unknown): void {
  if (wantsHtml(req) && err instanceof HttpError && err.status === 410) {
    sendPage(templates, req, res.status(410), 'link-invalid', {});
    return;
  }
  throw err;
}
