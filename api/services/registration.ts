import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import type { Counter } from 'prom-client';
import type { Config } from '../../config';
import { newTokenSalt } from '../../domain/tokens';
import { normaliseEmail, normaliseLoginName } from '../../domain/users';
import { registeredUpdate, registration, type Registered } from '../../workflows/registration';
import type { RegisterBody } from '../schemas';
import { toHttpError } from './temporal-errors';

/** One registration per e-mail at a time: the id is a hash, so the address itself is not shown in the Web UI. */
export function registrationWorkflowId(email: string): string {
  return `registration-${createHash('sha256').update(normaliseEmail(email)).digest('hex').slice(0, 32)}`;
}

export function createRegistrationService(deps: {
  client: Client;
  config: Config;
  hashPassword: (p: string) => Promise<string>;
  registered: Counter;
}) {
  const { client, config } = deps;

  return {
    /**
     * Starts the registration workflow, or attaches to the one already running for this e-mail
     * (update-with-start, USE_EXISTING), and answers once the user is saved. A taken e-mail or login
     * name is found by the unique indexes of the workflow's saveUser, and comes back as its failure.
     */
    async register(body: RegisterBody): Promise<Registered> {
      const email = normaliseEmail(body.email);
      const loginName = normaliseLoginName(body.loginName);
      const passwordHash = await deps.hashPassword(body.password);
      const startWorkflowOperation = new WithStartWorkflowOperation(registration, {
        workflowId: registrationWorkflowId(email),
        taskQueue: config.temporal.taskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [
          {
            email,
            loginName,
            passwordHash,
            mobileNo: body.mobileNo,
            tokenSalt: newTokenSalt(),
            activationTtlSeconds: config.activation.ttlSeconds,
            deliveryMaxAttempts: config.delivery.maxAttempts,
            deliveryPickupTimeoutSeconds: config.delivery.pickupTimeoutSeconds,
          },
        ],
      });
      let registered: Registered;
      try {
        registered = await client.workflow.executeUpdateWithStart(registeredUpdate, {
          args: [{ loginName }],
          startWorkflowOperation,
        });
      } catch (err) {
        throw toHttpError(err);
      }
      deps.registered.inc();
      return registered;
    },
  };
}
