import type { PayloadCodec } from '@temporalio/common';
import cookieParser from 'cookie-parser';
import cors from 'cors';
import express, { type Router } from 'express';
import { codecAuth, type CodecCredentials } from '../codec-auth';
import { payloadFromJson, payloadToJson, type JsonPayload } from '../../infra/payload-json';
import { HttpError } from '../errors';
import { routerWithStrictPaths } from '../router';
import { codecBody } from '../schemas';
import { validate, validated } from '../validate';

export interface CodecDeps extends CodecCredentials {
  codec: PayloadCodec;
  corsOrigins: string[];
}

/**
 * The codec server for the Temporal Web UI: `POST /codec/decode` and `/codec/encode`, in the
 * `{payloads: [{metadata, data}]}` JSON form the UI sends, from the operator's browser: its CORS lets
 * the UI's origins send credentials (a cookie, or the `Authorization` header that carries the sign-on's
 * access token, with its ID token in `Authorization-Extras`). Who may call it: api/codec-auth.ts.
 */
export function codecRouter(deps: CodecDeps): Router {
  const router = routerWithStrictPaths();
  const corsForUi = cors({
    origin: deps.corsOrigins,
    methods: ['POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Authorization-Extras', 'Content-Type', 'X-Namespace'],
    credentials: true,
  });
  const authorised = codecAuth(deps);
  for (const op of ['encode', 'decode'] as const) {
    router.options(`/codec/${op}`, corsForUi);
    router.post(
      `/codec/${op}`,
      corsForUi,
      cookieParser(),
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
  return router;
}
