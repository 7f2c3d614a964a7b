import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { HttpError } from './errors';

type Part = 'body' | 'params' | 'query';

/** Parses a part of the request with its schema; the parsed value replaces the raw one in `res.locals[part]`. */
export function validate(part: Part, schema: z.ZodType): RequestHandler {
  return (req, res, next) => {
    if (part === 'body' && !req.is('application/json')) {
      return next(new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.'));
    }
    const result = schema.safeParse(req[part] ?? {});
    if (!result.success) {
      const message = result.error.issues
        .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
        .join('; ');
      return next(new HttpError(400, 'VALIDATION_FAILED', message));
    }
    res.locals[part] = result.data;
    next();
  };
}

/** What `validate(part, schema)` parsed earlier in the chain, typed by the same schema. */
export function validated<S extends z.ZodType>(res: Response, part: Part, _schema: S): z.infer<S> {
  return res.locals[part] as z.infer<S>;
}
