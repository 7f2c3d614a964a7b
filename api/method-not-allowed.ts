import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors';
import { operations } from './openapi';

interface Route {
  pattern: RegExp;
  /** The methods the path answers, as `Allow` lists them. */
  allow: string;
  methods: Set<string>;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A documented path (OpenAPI's `{param}` as one segment) and the methods it answers, per routing option. */
function documentedRoutes(options: { strict: boolean; caseSensitive: boolean }): Route[] {
  const byPath = new Map<string, Set<string>>();
  const add = (path: string, method: string) => byPath.set(path, (byPath.get(path) ?? new Set()).add(method));
  for (const op of operations) add(op.path, op.method.toUpperCase());
  add('/api/openapi.json', 'GET');
  return (
    [...byPath]
      // As OpenAPI matches paths: a concrete one (/api/users/register) before a templated one that also
      // matches it (/api/users/{userId}).
      .sort(([a], [b]) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
      .map(([path, methods]) => {
        if (methods.has('GET')) methods.add('HEAD');
        const source = path
          .split(/\{[^}]+\}/)
          .map(escapeRegExp)
          .join('[^/]+');
        const pattern = new RegExp(`^${source}${options.strict ? '' : '/?'}$`, options.caseSensitive ? '' : 'i');
        return { pattern, methods, allow: [...methods].sort().join(', ') };
      })
  );
}

const routesByOptions = new Map<string, Route[]>();
/** The documented path a request is for, matched as the app's routing options say. */
function routeOf(req: Request): Route | undefined {
  const options = { strict: !!req.app.get('strict routing'), caseSensitive: !!req.app.get('case sensitive routing') };
  const key = JSON.stringify(options);
  if (!routesByOptions.has(key)) routesByOptions.set(key, documentedRoutes(options));
  return routesByOptions.get(key)!.find((r) => r.pattern.test(req.path));
}

/**
 * A documented path answers exactly the methods the document lists for it: OPTIONS with `Allow` naming
 * them, any other method with 405 and the same `Allow`. Mounted before the routers, so that a method of a
 * templated path (GET /api/users/{userId}) does not answer on a concrete one (/api/users/register). A CORS
 * preflight goes on, with `Allow`, to the route that answers it (the codec's, for the Temporal Web UI).
 */
export const methodNotAllowed: RequestHandler = (req, res, next) => {
  const route = routeOf(req);
  if (!route || route.methods.has(req.method)) return next();
  if (req.method === 'OPTIONS') {
    res.set('Allow', route.allow);
    if (req.headers['access-control-request-method']) return next();
    res.status(204).end();
    return;
  }
  next(
    new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}; use ${route.allow}.`, {
      Allow: route.allow,
    }),
  );
};
