import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Counter } from 'prom-client';
import type { Config } from '../../config';
import { User } from '../../domain/models';
import { newTokenSalt } from '../../domain/tokens';
import { acceptedLanguages, chooseLocale } from '../../domain/locale';
import { normaliseEmail, normaliseLoginName } from '../../domain/users';
import { ApplicationFailure, type TypedSearchAttributes } from '@temporalio/common';
import { TraceId } from '../../domain/search-attributes';
import { activeTraceparent, inSpan } from '../../infra/tracing/tracer';
import { registeringSearchAttributes } from '../../workflows/flow-attributes';
import {
  registeredUpdate,
  registration,
  replaceRegistrantUpdate,
  type EmailTakenDetails,
  type Registered,
  type RegistrationInput,
} from '../../workflows/registration';
import { HttpError } from '../errors';
import type { AnswerTiming } from './answer-timing';
import type { Attempts, AttemptTarget } from './attempts';
import { accountNoticeWorkflowId, registrationWorkflowId } from './workflow-ids';
import type { RegisterBody } from '../schemas';
import { toHttpError } from './temporal-errors';

/**
 * The answer to a new address, to a repeat of a pending registration and (unless the deployment reveals
 * them) to a taken address alike: it tells nobody whether the address has an account.
 */
export const REGISTRATION_ACCEPTED = {
  status: 'PENDING_ACTIVATION',
  message: 'Check your inbox: a mail to this address tells you how to go on.',
} as const;

/** The accepted answer, with the attempt that follows the mail this call caused (api/services/attempts.ts). */
export type RegistrationAccepted = typeof REGISTRATION_ACCEPTED & { attempt: string };

const loginNameTaken = () => new HttpError(409, 'LOGIN_NAME_TAKEN', 'This login name is already taken.');

/**
 * What the registration workflow that refused a taken address says: whether it has started the holder's
 * notice itself, and whether the login name is taken too.
 */
function refusalDetails(err: unknown): Partial<EmailTakenDetails> {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return {};
  return (err.cause.details?.[0] as Partial<EmailTakenDetails> | undefined) ?? {};
}

/**
 * While tracing, a registration carries the trace it started in: its id as a search attribute (the Web
 * UI finds the registration by it, the console shows it) and the request's `traceparent` in its memo,
 * which the activation links its own trace to. Set at the start, they change nothing the workflow replays.
 */
function traceOfStart(): { typedSearchAttributes: TypedSearchAttributes; memo?: { traceparent: string } } {
  const traceparent = activeTraceparent();
  if (!traceparent) return { typedSearchAttributes: registeringSearchAttributes };
  return {
    typedSearchAttributes: registeringSearchAttributes.updateCopy([{ key: TraceId, value: traceparent.slice(3, 35) }]),
    memo: { traceparent },
  };
}

export function createRegistrationService(deps: {
  client: Client;
  config: Config;
  hashPassword: (p: string) => Promise<string>;
  verifyPassword: (passwordHash: string, password: string) => Promise<boolean>;
  /** The login name and password hash of a pending registration's user. */
  findRegistrant?: (userId: string) => Promise<{ loginName: string; passwordHash: string } | null>;
  notifyOwner: (owner: { userId: string; loginName: string; email: string; locale?: string }) => Promise<void>;
  registered: Counter;
  answerTiming: AnswerTiming;
  attempts: Pick<Attempts, 'create'>;
  /** The locales the deployment has templates for (default: DEFAULT_LOCALE alone). */
  locales?: readonly string[];
}) {
  const { client, config } = deps;
  const findRegistrant =
    deps.findRegistrant ?? ((userId: string) => User.findById(userId, { loginName: 1, passwordHash: 1 }).lean());

  /**
   * A taken address, answered as a new address with this login name would be: accepted, or 409
   * LOGIN_NAME_TAKEN when the login name is someone's (login names are public). Its owner is told: by
   * the registration workflow, or here when that workflow was started before it could.
   */
  async function concealTakenEmail(
    email: string,
    loginName: string,
    refusal: Partial<EmailTakenDetails>,
  ): Promise<RegistrationAccepted> {
    // A holder not found has just expired or not been saved yet: the address is no longer, or not yet, taken.
    const owner = await User.findOne({ email }, { loginName: 1, locale: 1 }).lean();
    // A registration started before it could notice the holder itself.
    if (!refusal.ownerNoticed && owner)
      await deps.notifyOwner({ userId: owner._id, loginName: owner.loginName, email, locale: owner.locale });
    if (refusal.loginNameTaken ?? (await User.exists({ loginName }))) throw loginNameTaken();
    // The attempt follows the mail this call caused: the holder's notice.
    return accepted({ userId: owner?._id ?? '', mail: 'notice' });
  }

  async function accepted(target: AttemptTarget): Promise<RegistrationAccepted> {
    return { ...REGISTRATION_ACCEPTED, attempt: await deps.attempts.create(target) };
  }

  /**
   * A registration of an address that another one is pending for. The same registrant again (the login
   * name, and the password verifies against the pending one's hash) is a repeat. Anybody else's takes the
   * pending one's place, with a new mail to the address naming its own login name: nobody has proved the
   * mailbox yet, and whoever does activates only the account they registered themselves. A login name
   * the pending registration holds is answered as taken, as any other taken login name is.
   */
  async function repeatOrReplace(
    pending: Registered,
    body: RegisterBody,
    registrant: { loginName: string; passwordHash: string },
  ): Promise<void> {
    const holder = await findRegistrant(pending.userId);
    if (holder?.loginName === registrant.loginName) {
      if (await deps.verifyPassword(holder.passwordHash, body.password)) return;
      throw loginNameTaken();
    }
    await client.workflow.getHandle(pending.workflowId).executeUpdate(replaceRegistrantUpdate, {
      args: [{ ...registrant, mobileNo: body.mobileNo, tokenSalt: newTokenSalt() }],
    });
  }

  /**
   * The update-with-start, tried again (with the same request id) when it failed for another reason than
   * the workflow's answer: a registration of the address that was just closing (a refused one finishing,
   * say) takes the update with it, and the next try starts a new one. An outage still fails after three.
   */
  async function attachedOrStarted(updateWithStart: () => Promise<Registered>): Promise<Registered> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await updateWithStart();
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError || attempt === 3) throw err;
        await sleep(50 * attempt);
      }
    }
  }

  return {
    /**
     * Starts the registration workflow, or attaches to the one already running for this e-mail
     * (update-with-start, USE_EXISTING), and answers once the user is saved or refused. A taken e-mail
     * or login name is found by the unique indexes of the workflow's saveUser, and comes back as its
     * failure; a taken e-mail is then answered as accepted unless the deployment reveals it. Only a
     * registration this request started teaches the answer timing; every other answer is held to it.
     */
    async register(body: RegisterBody, acceptLanguage?: string): Promise<RegistrationAccepted> {
      const startedAt = deps.answerTiming.now();
      const requestId = randomUUID();
      const concealing = config.registration.takenEmail === 'conceal';
      const email = normaliseEmail(body.email);
      const loginName = normaliseLoginName(body.loginName);
      // Hashed whatever the outcome, so that a taken address takes as long to answer as a new one.
      const passwordHash = await inSpan('password hash', {}, () => deps.hashPassword(body.password));
      const input: RegistrationInput = {
        email,
        loginName,
        passwordHash,
        mobileNo: body.mobileNo,
        tokenSalt: newTokenSalt(),
        activationTtlSeconds: config.activation.ttlSeconds,
        deliveryMaxAttempts: config.delivery.maxAttempts,
        deliveryPickupTimeoutSeconds: config.delivery.pickupTimeoutSeconds,
        firstStepsInOneActivity: true,
        requestId,
        ceilingSeconds: config.registration.ceilingSeconds,
        reminderBeforeSeconds: config.activation.reminderBeforeSeconds,
        // The request's own choice, else its browser's, else the deployment's: kept for every mail of the flow.
        locale: chooseLocale(
          [body.locale, ...acceptedLanguages(acceptLanguage)],
          deps.locales ?? [config.templates.defaultLocale],
          config.templates.defaultLocale,
        ),
        accountNotice: concealing
          ? { workflowId: accountNoticeWorkflowId(email), windowSeconds: config.registration.noticeWindowSeconds }
          : undefined,
      };
      const startWorkflowOperation = () =>
        new WithStartWorkflowOperation(registration, {
          workflowId: registrationWorkflowId(email),
          taskQueue: config.temporal.taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
          ...traceOfStart(),
          args: [input],
        });
      let answer: Registered;
      try {
        answer = await attachedOrStarted(() =>
          client.workflow.executeUpdateWithStart(registeredUpdate, {
            args: [{ loginName, requestId }],
            startWorkflowOperation: startWorkflowOperation(),
          }),
        );
        if (!answer.pending) {
          const answered = await accepted({ userId: answer.userId, mail: 'activation' });
          deps.registered.inc();
          deps.answerTiming.accepted(startedAt);
          return answered;
        }
        await repeatOrReplace(answer, body, { loginName, passwordHash });
        const answered = await accepted({ userId: answer.userId, mail: 'activation' });
        await deps.answerTiming.concealed(startedAt);
        return answered;
      } catch (err) {
        const error = toHttpError(err);
        if (error instanceof HttpError && error.code === 'EMAIL_TAKEN' && concealing) {
          const answer = await concealTakenEmail(email, loginName, refusalDetails(err));
          await deps.answerTiming.concealed(startedAt);
          return answer;
        }
        // A refusal (a taken login name, say) is held as a concealed answer is: it may come from a pending registration.
        if (error instanceof HttpError && error.status < 500) await deps.answerTiming.concealed(startedAt);
        throw error;
      }
    },
  };
}
