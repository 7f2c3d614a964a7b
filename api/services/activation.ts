import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type Redis from 'ioredis';
import type { Counter } from 'prom-client';
import { createHash } from 'node:crypto';
import { hashToken, newTokenSalt, TOKEN_PATTERN, tokenKey, type TokenRecord } from '../../domain/tokens';
import { normaliseEmail } from '../../domain/users';
import { activateUpdate, resendActivationSignal, type Activated } from '../../workflows/registration';
import type { Limiter } from '../rate-limits';
import { registrationWorkflowId } from './workflow-ids';
import { tokenInvalid, toHttpError } from './temporal-errors';

export const RESEND_ACCEPTED = {
  message: 'If a registration is waiting for activation at this address, a new activation mail is on its way.',
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function createActivationService(deps: {
  client: Client;
  redis: Redis;
  /** Resends one client may ask for one address. */
  perClientAndAddressLimit: Limiter;
  /** Resends of one address from every client together: the most mails anyone can make it receive. */
  perAddressLimit: Limiter;
  activated: Counter;
  resent: Counter;
}) {
  return {
    /** Finds the registration by the token's hash and asks its workflow to activate; the workflow decides, once. */
    async activate(token: string): Promise<Activated> {
      if (!TOKEN_PATTERN.test(token)) throw tokenInvalid();
      const tokenHash = hashToken(token);
      const stored = await deps.redis.get(tokenKey(tokenHash));
      if (!stored) throw tokenInvalid();
      const record = JSON.parse(stored) as TokenRecord;
      let activated: Activated;
      try {
        activated = await deps.client.workflow
          .getHandle(record.workflowId)
          .executeUpdate(activateUpdate, { args: [{ tokenHash }] });
      } catch (err) {
        throw toHttpError(err, 'ACTIVATION_FAILED');
      }
      deps.activated.inc();
      return activated;
    },

    /**
     * A new activation mail for a pending registration, asked by `client` (rate-limits.ts clientKey).
     * Each client has a budget of its own per address, so a stranger who spends theirs leaves the
     * owner's whole; the cap per address bounds the mails all clients together can make it receive.
     * The answer is the same whether or not the address is known, and the limits count every address
     * alike, so neither tells who has an account. Redis sees hashes, not addresses.
     */
    async resendActivation(email: string, client: string): Promise<typeof RESEND_ACCEPTED> {
      const normalised = normaliseEmail(email);
      const address = sha256(normalised);
      await deps.perClientAndAddressLimit(sha256(`${client} ${address}`));
      await deps.perAddressLimit(address);
      try {
        await deps.client.workflow
          .getHandle(registrationWorkflowId(normalised))
          .signal(resendActivationSignal, { tokenSalt: newTokenSalt() });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      deps.resent.inc();
      return RESEND_ACCEPTED;
    },
  };
}
