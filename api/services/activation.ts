import type { Client } from '@temporalio/client';
import type Redis from 'ioredis';
import { hashToken, TOKEN_PATTERN, tokenKey, type TokenRecord } from '../../domain/tokens';
import { activateUpdate, type Activated } from '../../workflows/registration';
import { HttpError } from '../errors';
import { toHttpError } from './temporal-errors';

const invalid = () => new HttpError(410, 'TOKEN_INVALID', 'This activation link is unknown, expired or already used.');

export function createActivationService(deps: { client: Client; redis: Redis }) {
  return {
    /** Finds the registration by the token's hash and asks its workflow to activate; the workflow decides, once. */
    async activate(token: string): Promise<Activated> {
      if (!TOKEN_PATTERN.test(token)) throw invalid();
      const tokenHash = hashToken(token);
      const stored = await deps.redis.get(tokenKey(tokenHash));
      if (!stored) throw invalid();
      const record = JSON.parse(stored) as TokenRecord;
      try {
        return await deps.client.workflow.getHandle(record.workflowId).executeUpdate(activateUpdate, { args: [{ tokenHash }] });
      } catch (err) {
        throw toHttpError(err);
      }
    },
  };
}
