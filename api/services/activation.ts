import type { Link } from '@opentelemetry/api';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type Redis from 'ioredis';
import type { Counter } from 'prom-client';
import { createHash } from 'node:crypto';
import { hashToken, newTokenSalt, spentTokenKey, TOKEN_PATTERN, tokenKey, type TokenRecord } from '../../domain/tokens';
import { normaliseEmail } from '../../domain/users';
import { activeTraceparent, inSpan, linkTo } from '../../infra/tracing/tracer';
import { activateUpdate, resendActivationSignal, stageQuery, type Activated } from '../../workflows/registration';
import { HttpError } from '../errors';
import type { Limiter } from '../rate-limits';
import type { ActivationCodes } from './activation-codes';
import { registrationWorkflowId } from './workflow-ids';
import { tokenInvalid, toHttpError } from './temporal-errors';

export const RESEND_ACCEPTED = {
  message: 'If a registration is waiting for activation at this address, a new activation mail is on its way.',
};

/** The answer to a link or code whose token has activated its account already. */
export const ALREADY_ACTIVE = { status: 'ALREADY_ACTIVE', message: 'Your account is already active.' } as const;
export type ActivationAnswer = Activated | typeof ALREADY_ACTIVE;

/** What a link is, as a GET sees it without changing anything: waiting for its POST, or spent. */
export type LinkState = 'PENDING' | 'SPENT';

/** The one answer to a code that does not activate: wrong, spent, expired, or for an address without one. */
export const codeInvalid = () =>
  new HttpError(
    410,
    'CODE_INVALID',
    'This code does not work: it is wrong, used up or expired. Use the link in the mail, or ask for a new mail.',
  );

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * While tracing, the activation's trace links to the registration's: the `traceparent` its start left
 * in the workflow's memo. Read only then, since it costs a call to Temporal.
 */
async function registrationTrace(handle: WorkflowHandle): Promise<Link[]> {
  if (!activeTraceparent()) return [];
  try {
    return linkTo((await handle.describe()).memo?.traceparent);
  } catch {
    return [];
  }
}

export function createActivationService(deps: {
  client: Client;
  redis: Redis;
  /** Resends one client may ask for one address. */
  perClientAndAddressLimit: Limiter;
  /** Resends of one address from every client together: the most mails anyone can make it receive. */
  perAddressLimit: Limiter;
  codes: ActivationCodes;
  /** Codes one client may try, at any addresses. */
  codePerClientLimit: Limiter;
  /** Codes all clients together may try at one address. */
  codePerAddressLimit: Limiter;
  activated: Counter;
  resent: Counter;
}) {
  /**
   * Finds the registration by the token's hash and asks its workflow to activate; the workflow decides,
   * once. The token's remaining life is read first: activating revokes the token, and its link answers
   * "already active" for that long.
   */
  async function activateByHash(tokenHash: string): Promise<ActivationAnswer> {
    const [stored, ttlMs] = await Promise.all([
      deps.redis.get(tokenKey(tokenHash)),
      deps.redis.pttl(tokenKey(tokenHash)),
    ]);
    if (!stored) {
      if (await deps.redis.exists(spentTokenKey(tokenHash))) return ALREADY_ACTIVE;
      throw tokenInvalid();
    }
    const record = JSON.parse(stored) as TokenRecord;
    const handle = deps.client.workflow.getHandle(record.workflowId);
    let activated: Activated;
    try {
      activated = await inSpan('activation', { links: await registrationTrace(handle) }, () =>
        handle.executeUpdate(activateUpdate, { args: [{ tokenHash }] }),
      );
    } catch (err) {
      const refused = toHttpError(err, 'ACTIVATION_FAILED');
      // A second click while the first is still activating: the account is (being) activated.
      if ((refused as { status?: number }).status === 410 && (await activatedAlready(handle))) return ALREADY_ACTIVE;
      throw refused;
    }
    deps.activated.inc();
    // Only the courtesy of a later click's answer hangs on this: the activation stands without it.
    if (ttlMs > 0) await deps.redis.set(spentTokenKey(tokenHash), '1', 'PX', ttlMs).catch(() => undefined);
    return activated;
  }

  async function activatedAlready(handle: ReturnType<Client['workflow']['getHandle']>): Promise<boolean> {
    try {
      const stage = await handle.query(stageQuery);
      return stage === 'ACTIVATING' || stage === 'ENABLED';
    } catch {
      return false;
    }
  }

  return {
    /** What the link of `token` is, changing nothing (a GET or HEAD: link scanners fetch links too). */
    async linkState(token: string): Promise<LinkState> {
      if (!TOKEN_PATTERN.test(token)) throw tokenInvalid();
      const tokenHash = hashToken(token);
      const [live, spent] = await Promise.all([
        deps.redis.exists(tokenKey(tokenHash)),
        deps.redis.exists(spentTokenKey(tokenHash)),
      ]);
      if (live) return 'PENDING';
      if (spent) return 'SPENT';
      throw tokenInvalid();
    },

    /** The POST of a link's token: activates its account. */
    async activate(token: string): Promise<ActivationAnswer> {
      if (!TOKEN_PATTERN.test(token)) throw tokenInvalid();
      return activateByHash(hashToken(token));
    },

    /**
     * The mail's code, typed by a person on another device, activates as its token would. The limits
     * count per client and per address before anything is looked up; an address without a registration,
     * a wrong code and a spent one are answered alike (activation-codes.ts does the same work for each).
     */
    async redeemCode(email: string, code: string, client: string): Promise<ActivationAnswer> {
      const normalised = normaliseEmail(email);
      await deps.codePerClientLimit(client);
      await deps.codePerAddressLimit(sha256(normalised));
      const tokenHash = await deps.codes.redeem(normalised, code);
      if (!tokenHash) throw codeInvalid();
      try {
        return await activateByHash(tokenHash);
      } catch (err) {
        // The token went between the code's check and its use (it expired, or a resend replaced it).
        if (err instanceof HttpError && err.code === 'TOKEN_INVALID') throw codeInvalid();
        throw err;
      }
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
