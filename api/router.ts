import { Router } from 'express';

/**
 * A router that takes a path only as it is written: `/ADMIN` is not `/admin`, and `/admin/messages/`
 * is not `/admin/messages`. Express's own routers match either way unless told otherwise, and a guard
 * mounted on one spelling must not be walked around by another.
 */
export function routerWithStrictPaths(): Router {
  return Router({ caseSensitive: true, strict: true });
}
