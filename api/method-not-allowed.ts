import type { RequestHandler } from 'express';
import { HttpError } from './errors';
import { operations } from './openapi';

/** A documented path (OpenAPI's `{param}` as one segment) and the methods it answers. */
const routes = (() => {
  const byPath = new Map<string, Set<string>>();
  const add = (path: string, method: string) => byPath.set(path, (byPath.get(path) ?? new Set()).add(method));
  for (const op of operations) add(op.path, op.method.toUpperCase());
  add('/api/openapi.json', 'GET');
  return [...byPath].map(([path, methods]) => {
    if (methods.has('GET')) methods.add('HEAD');
    const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return { pattern, allow: [...methods].sort().join(', ') };
  });
})();

/**
 * A known path asked with a method it does not answer: 405 with `Allow`, not 404. Mounted after the
 * routers, so it sees only requests none of them took.
 */
export const methodNotAllowed: RequestHandler = (req, _res, next) => {
  const route = routes.find((r) => r.pattern.test(req.path));
  if (!route) return next();
  next(
    new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}; use ${route.allow}.`, {
      Allow: route.allow,
    }),
  );
};
