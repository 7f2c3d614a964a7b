import type { Payload, PayloadCodec } from '@temporalio/common';
import cors from 'cors';
import express, { Router, type RequestHandler } from 'express';
import { bearerToken, secretMatcher } from '../auth';
import { HttpError } from '../errors';
import { codecBody } from '../schemas';
import { validate, validated } from '../validate';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

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
          const payloads = (validated(res, 'body', codecBody).payloads as JsonPayload[]).map(fromJson);
          try {
            const result = await deps.codec[op](payloads);
            res.json({ payloads: result.map(toJson) });
          } catch {
            throw new HttpError(400, 'UNDECODABLE_PAYLOAD', 'A payload could not be decoded with the configured keys.');
          }
        },
      );
    }
  }
  return router;
}
