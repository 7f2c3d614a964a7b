import type { PayloadCodec } from '@temporalio/common';
import cors from 'cors';
import express, { Router, type RequestHandler } from 'express';
import { bearerToken, secretMatcher } from '../auth';
import { payloadFromJson, payloadToJson, type JsonPayload } from '../../infra/payload-json';
import { HttpError } from '../errors';
import { codecBody } from '../schemas';
import { validate, validated } from '../validate';

/**
 * The codec server for the Temporal Web UI: `POST /codec/decode` and `/codec/encode`, in the
 * `{payloads: [{metadata, data}]}` JSON form the UI sends. The credential is `Authorization: Bearer
 * $CODEC_TOKEN`, or — for a Web UI that passes no token, such as the dev server's — the token as a path
 * segment: `/codec/<CODEC_TOKEN>/decode`.
 */
export function codecRouter(deps: { codec: PayloadCodec; token: string; corsOrigins: string[] }): Router {
  const matches = secretMatcher(deps.token);
  const authorised: RequestHandler = (req, _res, next) => {
    if (!matches((req.params as { token?: string }).token ?? bearerToken(req.headers.authorization))) {
      return next(new HttpError(401, 'UNAUTHORIZED', 'The codec needs `Authorization: Bearer <CODEC_TOKEN>`.'));
    }
    next();
  };
  const router = Router();
  const corsForUi = cors({
    origin: deps.corsOrigins,
    methods: ['POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Namespace'],
    credentials: true,
  });
  for (const base of ['/codec', '/codec/:token']) {
    for (const op of ['encode', 'decode'] as const) {
      router.options(`${base}/${op}`, corsForUi);
      router.post(
        `${base}/${op}`,
        corsForUi,
        authorised,
        express.json({ limit: '4mb' }),
        validate('body', codecBody),
        async (_req, res) => {
          const payloads = (validated(res, 'body', codecBody).payloads as JsonPayload[]).map(payloadFromJson);
          try {
            const result = await deps.codec[op](payloads);
            res.json({ payloads: result.map(payloadToJson) });
          } catch {
            throw new HttpError(400, 'UNDECODABLE_PAYLOAD', 'A payload could not be decoded with the configured keys.');
          }
        },
      );
    }
  }
  return router;
}
