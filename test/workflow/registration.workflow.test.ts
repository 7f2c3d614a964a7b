/**
 * The `registration` workflow on Temporal's time-skipping test server, with stubbed activities:
 * every activity is a plain function that records its call, so the tests see the order of the
 * steps, the retries of a consumer and the operator's resend, and skip a day in milliseconds.
 */
import { Context } from '@temporalio/activity';
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { DeliverActivity, ProducerActivities } from '../../activities';
import { createFirstStepsActivities } from '../../activities/first-steps';
import { suppressedFailure } from '../../activities/consumers/mail';
import {
  ACCOUNT_EXISTS_NOTICE,
  ACTIVE_USER,
  ACTIVE_USER_REMINDER,
  ACTIVE_USER_SUCCESS,
  type Consumer,
  type OutgoingMessage,
} from '../../domain/messaging';
import type { DeliveryOutcome } from '../../domain/delivery';
import { MessageStatus, Stage } from '../../domain/search-attributes';
import { tokenCheckOf } from '../../domain/token-check';
import { registeringSearchAttributes } from '../../workflows/flow-attributes';
import {
  activateUpdate,
  registeredUpdate,
  replaceRegistrantUpdate,
  activationWindowQuery,
  stageQuery,
  registration,
  resendActivationSignal,
  type RegistrationInput,
} from '../../workflows/registration';
import { resendSignal } from '../../workflows/reliable-message';
import { mailRefusedSignal } from '../../workflows/mail-outcome-signal';
import { localSteps } from '../setup/local-steps';
import { createTimeSkippingEnv } from '../setup/time-skipping';
import { workflowBundlePath } from '../setup/workflow-bundle';

// A test server of its own for each test: no test sees another's timers, and no connection lives long
// enough for the server to refuse its keep-alive pings.
let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

const HOUR = 60 * 60 * 1000;
/** Who holds a taken address, as findAccountHolder finds them. */
const HOLDER = { userId: 'holder-id', loginName: 'holder' };
const MAIL = 'CID_OPC';
const EVENTS = 'CID_EVENTS';

interface Call {
  name: string;
  args: any;
}

/** A behaviour may say what the delivery reports: by default it consumed the message and left it for the workflow to finish. */
type DeliverBehaviour = (input: {
  messageKey: string;
  attempt: number;
}) => Promise<DeliveryOutcome | void> | DeliveryOutcome | void;

interface Options {
  deliveryMaxAttempts?: number;
  /** As the API sets it (the default), or absent as in registrations started before it existed. */
  firstStepsInOneActivity?: boolean;
  /** Set as the API sets it when it conceals taken addresses: the registration notices their holders. */
  accountNotice?: boolean;
  /**
   * As the API starts registrations now: with the starting request's id (another request is answered
   * `pending`, and may replace the registrant) and a ceiling in seconds. Absent as in registrations
   * started before them.
   */
  replaceable?: { ceilingSeconds?: number };
  /** Hours before the window closes that the reminder goes, as the API sets it; absent (no reminder) by default. */
  reminderHours?: number;
  /** Replaces the recording stub's body for some producer activities (the call is recorded first). */
  producer?: Partial<{
    [K in keyof ProducerActivities]: (...args: Parameters<ProducerActivities[K]>) => Promise<unknown>;
  }>;
  /** The locale the API chose (docs/templates.md); absent as in registrations started before it existed. */
  locale?: string;
  /** A producer activity whose first call fails as a lost connection would (the call is recorded). */
  failFirstCall?: keyof ProducerActivities;
  /** What a consumer's `deliver` does on each attempt (the attempt is recorded first); succeeds by default. */
  consumers?: Partial<Record<string, DeliverBehaviour>>;
}

/** One registration under test: unique task queues and workflow id, recording stubs, a worker per queue. */
async function scenario(options: Options = {}) {
  const id = randomUUID().slice(0, 8);
  const taskQueue = `registration-${id}`;
  const consumers: Consumer[] = [
    { consumerGroup: MAIL, taskQueue: `${taskQueue}-mail` },
    { consumerGroup: EVENTS, taskQueue: `${taskQueue}-events` },
  ];
  const calls: Call[] = [];
  /** Successful deliveries per consumer group: the "mails sent". */
  const consumed: Record<string, number> = { [MAIL]: 0, [EVENTS]: 0 };
  /** The consumer groups each delivery attempt was told its message has. */
  const groupsTold: (string[] | undefined)[] = [];

  const record =
    <A extends unknown[], R>(name: keyof ProducerActivities, fallback: (...args: A) => R) =>
    async (...args: A): Promise<Awaited<R>> => {
      calls.push({ name, args: args[0] });
      if (name === options.failFirstCall && calls.filter((c) => c.name === name).length === 1)
        throw new Error('connection reset');
      const override = options.producer?.[name] as ((...a: A) => Promise<unknown>) | undefined;
      if (override) return (await override(...args)) as Awaited<R>;
      return await fallback(...args);
    };

  const steps: Omit<ProducerActivities, 'registerUser' | 'activateUser'> = {
    recordPendingMessage: record('recordPendingMessage', (_message: OutgoingMessage) => undefined),
    cancelMessage: record('cancelMessage', (_input: { messageKey: string; reason: string }) => undefined),
    confirmMessage: record('confirmMessage', (_input: { messageKey: string }) => consumers),
    markDead: record(
      'markDead',
      (_input: { messageKey: string; consumerGroup: string; error: string; round: number }) => undefined,
    ),
    markResent: record(
      'markResent',
      (_input: { messageKey: string; consumerGroup: string; resend: number; reviveMessage?: boolean }) => undefined,
    ),
    finishMessage: record('finishMessage', (_input: { messageKey: string }) => undefined),
    saveUser: record('saveUser', (_user: Parameters<ProducerActivities['saveUser']>[0]) => ({
      tokenCheck: tokenCheckOf('h1'),
    })),
    replaceRegistrant: record(
      'replaceRegistrant',
      (_registration: Parameters<ProducerActivities['replaceRegistrant']>[0]) => ({ tokenCheck: tokenCheckOf('h3') }),
    ),
    enableUser: record('enableUser', (_input: { userId: string }) => undefined),
    expireUser: record('expireUser', (_input: { userId: string }) => undefined),
    bounceUser: record('bounceUser', (_input: { userId: string }) => undefined),
    issueActivationToken: record(
      'issueActivationToken',
      (_input: Parameters<ProducerActivities['issueActivationToken']>[0]) => ({
        tokenCheck: tokenCheckOf('h2'),
      }),
    ),
    findAccountHolder: record(
      'findAccountHolder',
      (_input: { email: string }): { userId: string; loginName: string } | null => HOLDER,
    ),
    purgeFinishedBatch: record('purgeFinishedBatch', (_input: { cutoff: string; batchSize: number }) => 0),
  };
  // The real composition of the recording steps: the calls show each step it takes.
  const activities: ProducerActivities = { ...steps, ...createFirstStepsActivities(steps) };

  const deliverFor =
    (consumerGroup: string): DeliverActivity =>
    async ({ message: { messageKey }, consumerGroups }) => {
      const attempt = Context.current().info.attempt;
      calls.push({ name: 'deliver', args: { consumerGroup, messageKey, attempt } });
      groupsTold.push(consumerGroups);
      const outcome = await options.consumers?.[consumerGroup]?.({ messageKey, attempt });
      consumed[consumerGroup]++;
      return outcome ?? 'consumed';
    };

  const mainWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: workflowBundlePath() },
    activities,
  });
  const consumerWorkers = await Promise.all(
    consumers.map((c) =>
      Worker.create({
        connection: env.nativeConnection,
        taskQueue: c.taskQueue,
        activities: { deliver: deliverFor(c.consumerGroup) },
      }),
    ),
  );

  const input: RegistrationInput = {
    email: `user.${id}@example.test`,
    loginName: `user_${id}`,
    passwordHash: 'hash',
    tokenSalt: `salt-${id}`,
    activationTtlSeconds: 86400,
    deliveryMaxAttempts: options.deliveryMaxAttempts ?? 5,
    firstStepsInOneActivity: options.firstStepsInOneActivity ?? true,
    accountNotice: options.accountNotice ? { workflowId: `account-notice-test-${id}`, windowSeconds: 3600 } : undefined,
    ...(options.replaceable && { requestId: `request-${id}`, ceilingSeconds: options.replaceable.ceilingSeconds }),
    ...(options.reminderHours !== undefined && { reminderBeforeSeconds: options.reminderHours * 3600 }),
    ...(options.locale && { locale: options.locale }),
  };

  const workflowId = `registration-test-${id}`;
  /**
   * Ends the workflow if a test (a failing one, say) left it running: otherwise it keeps the test
   * server's clock from skipping in the next tests. The server also stops skipping time for good
   * when a workflow is terminated during an activity attempt or a workflow task (which runs the
   * local activities), so those end first.
   */
  const terminateIfRunning = async () => {
    const handle = env.client.workflow.getHandle(workflowId);
    try {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const { status, raw } = await handle.describe();
        if (status.name !== 'RUNNING') return;
        const attemptRunning = raw.pendingActivities?.some(
          (a) => a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
        );
        const busy = attemptRunning || raw.pendingWorkflowTask != null;
        if (!busy || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await handle.terminate('test over');
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  };

  /** As the API registers: update-with-start, answered once the user is saved or rejected. */
  const register = () => {
    const startWorkflowOperation = new WithStartWorkflowOperation(registration, {
      args: [input],
      taskQueue,
      workflowId,
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: registeringSearchAttributes,
    });
    const registered = env.client.workflow.executeUpdateWithStart(registeredUpdate, {
      args: [{ loginName: input.loginName }],
      startWorkflowOperation,
    });
    return { registered, handle: startWorkflowOperation.workflowHandle() };
  };

  const start = () => env.client.workflow.start(registration, { args: [input], taskQueue, workflowId });
  const named = (name: string) => calls.filter((c) => c.name === name);
  /** Starts the workflow and registers, as the request that started it. */
  const registeredAndStarted = async () => {
    const handle = await start();
    const { userId } = await handle.executeUpdate(registeredUpdate, {
      args: [{ loginName: input.loginName, requestId: input.requestId }],
    });
    return { handle, userId };
  };
  /** Starts the workflow, registers, and waits until the activation mail is finished. */
  const registeredAndMailed = async () => {
    const registered = await registeredAndStarted();
    await waitUntil(() => named('finishMessage').length === 1, 'the activation mail to be finished');
    return registered;
  };

  return {
    input,
    calls,
    consumed,
    groupsTold,
    start,
    /** As the API registers, then the click on the link; answers once the workflow has ended. */
    registeredAndActivated: async () => {
      const { registered, handle: started } = register();
      await registered;
      const handle = await started;
      await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] });
      await handle.result();
      return handle;
    },
    registeredAndMailed,
    registeredAndStarted,
    /** As registeredAndMailed, then the click; answers once the workflow has ended (the steps in a stable order). */
    mailedThenActivated: async () => {
      const { handle } = await registeredAndMailed();
      await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] });
      await handle.result();
      return handle;
    },
    register,
    /** Keeps every worker running for the whole of `fn`. */
    run: <R>(fn: () => Promise<R>): Promise<R> =>
      mainWorker.runUntil(() =>
        consumerWorkers[0].runUntil(() =>
          consumerWorkers[1].runUntil(async () => {
            try {
              return await fn();
            } finally {
              await terminateIfRunning();
            }
          }),
        ),
      ),
    named,
    /** The recorded pre-send message with this tag. */
    message: (tag: string): OutgoingMessage => {
      const found = calls.find((c) => c.name === 'recordPendingMessage' && c.args.tag === tag);
      if (!found) throw new Error(`no ${tag} message was recorded`);
      return found.args;
    },
  };
}

/** The calls as readable steps; concurrent deliveries (to both consumers) are put in a stable order. */
function steps(calls: Call[]): string[] {
  const labels = calls.map((c) => {
    if (c.name === 'recordPendingMessage') return `recordPendingMessage(${c.args.tag})`;
    if (c.name === 'deliver') return `deliver(${c.args.consumerGroup})`;
    return c.name;
  });
  const out: string[] = [];
  for (let i = 0; i < labels.length;) {
    let j = i;
    while (j < labels.length && labels[j].startsWith('deliver(')) j++;
    if (j > i) {
      out.push(...labels.slice(i, j).sort());
      i = j;
    } else out.push(labels[i++]);
  }
  return out;
}

/** Every value of a search attribute the flow reported, in order: with its start, then by each upsert. */
async function reported(handle: WorkflowHandle, key: typeof Stage | typeof MessageStatus) {
  const values: unknown[] = [];
  for (const event of (await handle.fetchHistory()).events ?? []) {
    const fields =
      event.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields ??
      event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    const value: unknown = decodeTypedSearchAttributes(fields).get(key);
    if (value) values.push(value);
  }
  return values;
}

/** Skips `ms` of server time; fails clearly (instead of hanging) if the test server has stopped skipping. */
async function skip(ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the test server did not skip ${ms} ms of time within 20 s`)), 20_000);
  });
  try {
    await Promise.race([env.sleep(ms), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls (in real time, the server clock stays put) until `predicate` holds. */
async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function updateFailure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return cause as ApplicationFailure;
  }
  throw new Error('the update succeeded, a failure was expected');
}

async function updateFailureType(promise: Promise<unknown>): Promise<string | undefined> {
  return (await updateFailure(promise)).type ?? undefined;
}

const REGISTRATION_STEPS = [
  `recordPendingMessage(${ACTIVE_USER})`,
  'saveUser',
  'confirmMessage',
  `deliver(${EVENTS})`,
  `deliver(${MAIL})`,
  'finishMessage',
];

/** The local activities of the first steps taken one by one. */
const ONE_BY_ONE = ['recordPendingMessage', 'saveUser', 'confirmMessage'];

const ACTIVATION_STEPS = [
  `recordPendingMessage(${ACTIVE_USER_SUCCESS})`,
  'enableUser',
  'confirmMessage',
  `deliver(${EVENTS})`,
  `deliver(${MAIL})`,
  'finishMessage',
];

async function status(handle: WorkflowHandle): Promise<string | undefined> {
  return (await handle.describe()).status.name;
}

test('happy path: pre-send message, user, token, confirm, both consumers, finished; then activation does the same for the success mail', async () => {
  const s = await scenario();
  await s.run(async () => {
    const handle = await s.start();

    const registered = await handle.executeUpdate(registeredUpdate, { args: [{ loginName: s.input.loginName }] });
    const saved = s.named('saveUser')[0].args;
    expect(registered).toEqual({ userId: saved.userId, status: 'DISABLED', workflowId: handle.workflowId });
    expect(saved).toMatchObject({
      email: s.input.email,
      loginName: s.input.loginName,
      passwordHash: 'hash',
      workflowId: handle.workflowId,
      tokenSalt: s.input.tokenSalt,
      tokenTtlSeconds: 86400,
    });

    await waitUntil(() => s.named('finishMessage').length === 1, 'the activation mail to be finished');
    expect(steps(s.calls)).toEqual(REGISTRATION_STEPS);
    const activation = s.message(ACTIVE_USER);
    expect(activation).toMatchObject({
      userId: saved.userId,
      workflowId: handle.workflowId,
      body: { email: s.input.email, tokenSalt: s.input.tokenSalt },
    });
    for (const name of ['confirmMessage', 'finishMessage'])
      expect(s.named(name)[0].args.messageKey).toBe(activation.messageKey);
    expect(s.named('deliver').map((c) => c.args.messageKey)).toEqual([activation.messageKey, activation.messageKey]);
    expect(s.consumed).toEqual({ [MAIL]: 1, [EVENTS]: 1 });

    const activated = await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] });
    expect(activated).toEqual({ userId: saved.userId, status: 'ENABLED' });

    const result = await handle.result();
    expect(result).toEqual({ userId: saved.userId, stage: 'ENABLED' });
    expect(steps(s.calls)).toEqual([...REGISTRATION_STEPS, ...ACTIVATION_STEPS]);
    const success = s.message(ACTIVE_USER_SUCCESS);
    expect(success.messageKey).not.toBe(activation.messageKey);
    expect(s.named('confirmMessage').map((c) => c.args.messageKey)).toEqual([
      activation.messageKey,
      success.messageKey,
    ]);
    expect(s.named('finishMessage').map((c) => c.args.messageKey)).toEqual([activation.messageKey, success.messageKey]);
    expect(s.named('enableUser')[0].args).toEqual({ userId: saved.userId });
    expect(s.consumed).toEqual({ [MAIL]: 2, [EVENTS]: 2 });
    expect(s.named('cancelMessage')).toHaveLength(0);
    expect(s.named('expireUser')).toHaveLength(0);
    expect(s.named('markDead')).toHaveLength(0);
  });
});

test('a registration and its activation take their first steps in one local activity each; one started before that takes them one by one, the same steps', async () => {
  for (const firstStepsInOneActivity of [true, false]) {
    const s = await scenario({ firstStepsInOneActivity });
    await s.run(async () => {
      const handle = await s.mailedThenActivated();
      expect(steps(s.calls)).toEqual([...REGISTRATION_STEPS, ...ACTIVATION_STEPS]);
      expect(s.consumed).toEqual({ [MAIL]: 2, [EVENTS]: 2 });
      expect(await localSteps(handle)).toEqual(
        firstStepsInOneActivity
          ? ['registerUser', 'finishMessage', 'activateUser', 'finishMessage']
          : [...ONE_BY_ONE, 'finishMessage', 'recordPendingMessage', 'enableUser', 'confirmMessage', 'finishMessage'],
      );
    });
  }
});

test('when the activation’s one local activity fails, its steps are taken one by one after it: the user is enabled and the success mail sent once', async () => {
  const s = await scenario({ failFirstCall: 'enableUser' });
  await s.run(async () => {
    const handle = await s.mailedThenActivated();
    expect(steps(s.calls)).toEqual([
      ...REGISTRATION_STEPS,
      `recordPendingMessage(${ACTIVE_USER_SUCCESS})`,
      'enableUser',
      ...ACTIVATION_STEPS,
    ]);
    expect(await localSteps(handle)).toEqual([
      'registerUser',
      'finishMessage',
      'activateUser',
      'recordPendingMessage',
      'enableUser',
      'confirmMessage',
      'finishMessage',
    ]);
    expect((await handle.result()).stage).toBe('ENABLED');
    expect(s.consumed).toEqual({ [MAIL]: 2, [EVENTS]: 2 });
    expect(s.named('cancelMessage')).toHaveLength(0);
  });
});

test('when the registration’s one local activity fails, its steps are taken one by one after it: the user is saved and each consumer gets the mail once', async () => {
  const s = await scenario({ failFirstCall: 'confirmMessage' });
  await s.run(async () => {
    const handle = await s.mailedThenActivated();
    expect(steps(s.calls)).toEqual([
      `recordPendingMessage(${ACTIVE_USER})`,
      'saveUser',
      'confirmMessage',
      ...REGISTRATION_STEPS,
      ...ACTIVATION_STEPS,
    ]);
    expect(await localSteps(handle)).toEqual([
      'registerUser',
      ...ONE_BY_ONE,
      'finishMessage',
      'activateUser',
      'finishMessage',
    ]);
    const { userId } = await handle.result();
    expect(new Set(s.named('saveUser').map((c) => c.args.userId))).toEqual(new Set([userId]));
    expect(s.consumed).toEqual({ [MAIL]: 2, [EVENTS]: 2 });
    expect(s.named('cancelMessage')).toHaveLength(0);
  });
});

test('a message its last consumer finished is not finished again: no finishing step, and the flow still reports it FINISHED', async () => {
  // The events consumer plays the last consumer: its delivery reports that it moved the message to FINISHED.
  const s = await scenario({ consumers: { [EVENTS]: () => 'finished' } });
  await s.run(async () => {
    const handle = await s.registeredAndActivated();

    expect(s.named('finishMessage')).toHaveLength(0);
    expect(s.consumed).toEqual({ [MAIL]: 2, [EVENTS]: 2 });
    // Each delivery is told every consumer group of its message, so that the last of them can tell.
    expect(s.groupsTold).toEqual(Array(4).fill([MAIL, EVENTS]));
    const statuses = await reported(handle, MessageStatus);
    // Both mails went SENDING, and the flow's last report has every message FINISHED.
    expect(statuses[0]).toEqual(['SENDING']);
    expect(statuses.at(-1)).toEqual(['FINISHED']);
  });
});

test('every stage reaches the Stage search attribute in order, REGISTERING from the start and ACTIVATING included', async () => {
  const s = await scenario();
  await s.run(async () => {
    const handle = await s.registeredAndActivated();

    expect(await reported(handle, Stage)).toEqual(['REGISTERING', 'AWAITING_ACTIVATION', 'ACTIVATING', 'ENABLED']);
  });
});

test('a resend issues a token from the salt it carries and the old token stops working; updates and signals without arguments are refused or ignored', async () => {
  const s = await scenario();
  await s.run(async () => {
    const { handle, userId } = await s.registeredAndMailed();

    // Sent by hand, without arguments: the update is refused, the signal ignored; the workflow task does not fail.
    await expect(handle.executeUpdate('activate', { args: [] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await handle.signal('resendActivation');
    await handle.signal(resendActivationSignal, { tokenSalt: 'salt-of-the-resend' });
    await waitUntil(() => s.named('finishMessage').length === 2, 'the second activation mail to be finished');
    expect(s.named('issueActivationToken').map((c) => c.args)).toEqual([
      { userId, workflowId: handle.workflowId, tokenSalt: 'salt-of-the-resend', ttlSeconds: 86400 },
    ]);
    expect(s.named('recordPendingMessage').map((c) => [c.args.tag, c.args.body.tokenSalt])).toEqual([
      [ACTIVE_USER, s.input.tokenSalt],
      [ACTIVE_USER, 'salt-of-the-resend'],
    ]);

    expect(await updateFailureType(handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] }))).toBe(
      'TOKEN_INVALID',
    );
    expect(await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h2' }] })).toEqual({
      userId,
      status: 'ENABLED',
    });
    expect(await handle.result()).toEqual({ userId, stage: 'ENABLED' });
  });
});

test.each([
  ['de', { locale: 'de' }],
  ['none (a registration started before locales)', {}],
])(
  'the registration’s locale, %s, is in the body of every mail of its flow, the resend’s and the success mail’s included, and with its user',
  async (_name, expected) => {
    const s = await scenario('locale' in expected ? { locale: expected.locale } : {});
    await s.run(async () => {
      const { handle, userId } = await s.registeredAndMailed();
      await handle.signal(resendActivationSignal, { tokenSalt: 'salt-of-the-resend' });
      await waitUntil(() => s.named('finishMessage').length === 2, 'the second activation mail to be finished');
      await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h2' }] });
      expect(await handle.result()).toEqual({ userId, stage: 'ENABLED' });

      const bodies = s.named('recordPendingMessage').map((c) => [c.args.tag, c.args.body]);
      expect(bodies.map(([tag]) => tag)).toEqual([ACTIVE_USER, ACTIVE_USER, ACTIVE_USER_SUCCESS]);
      for (const [, body] of bodies) {
        if ('locale' in expected) expect(body).toMatchObject(expected);
        else expect(body).not.toHaveProperty('locale');
      }
      const [saved] = s.named('saveUser');
      if ('locale' in expected) expect(saved.args).toMatchObject(expected);
      else expect(saved.args).not.toHaveProperty('locale');
    });
  },
);

test('the activation link still works after 23 hours', async () => {
  const s = await scenario();
  await s.run(async () => {
    const { handle, userId } = await s.registeredAndMailed();

    const before = await env.currentTimeMs();
    await skip(23 * HOUR);
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(23 * HOUR);
    expect(await status(handle)).toBe('RUNNING');

    const activated = await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] });
    expect(activated).toEqual({ userId, status: 'ENABLED' });
    expect(await handle.result()).toEqual({ userId, stage: 'ENABLED' });
    expect(s.named('enableUser')).toHaveLength(1);
    expect(s.named('expireUser')).toHaveLength(0);
  });
});

test('no activation for 24 hours expires the registration; a wrong token is refused before, and nothing activates after', async () => {
  const s = await scenario();
  await s.run(async () => {
    const { handle, userId } = await s.registeredAndMailed();

    expect(await updateFailureType(handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'not-h1' }] }))).toBe(
      'TOKEN_INVALID',
    );
    expect(s.named('enableUser')).toHaveLength(0);
    expect(await status(handle)).toBe('RUNNING');

    await skip(24 * HOUR);
    // The 24 hours alone expire it (the server clock stands still from here on).
    await waitUntil(() => s.named('expireUser').length === 1, 'the user to be expired', 10_000);
    expect(await handle.result()).toEqual({ userId, stage: 'EXPIRED' });
    expect(s.named('expireUser').map((c) => c.args)).toEqual([{ userId }]);

    // The workflow is closed: the server refuses the update, no handler runs.
    await expect(handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] })).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    expect(await status(handle)).toBe('COMPLETED');
    expect(s.named('enableUser')).toHaveLength(0);
    expect(s.named('recordPendingMessage').map((c) => c.args.tag)).toEqual([ACTIVE_USER]);
    expect(s.consumed).toEqual({ [MAIL]: 1, [EVENTS]: 1 });
  });
});

test('a consumer that fails twice is retried and sends the mail exactly once', async () => {
  const s = await scenario({
    deliveryMaxAttempts: 5,
    consumers: {
      [MAIL]: ({ attempt }) => {
        if (attempt <= 2) throw new Error(`SMTP server unavailable (attempt ${attempt})`);
      },
    },
  });
  await s.run(async () => {
    const { handle } = await s.registeredAndMailed();
    const { messageKey } = s.message(ACTIVE_USER);

    const mailAttempts = s.named('deliver').filter((c) => c.args.consumerGroup === MAIL);
    expect(mailAttempts.map((c) => c.args)).toEqual(
      [1, 2, 3].map((attempt) => ({ consumerGroup: MAIL, messageKey, attempt })),
    );
    expect(s.consumed[MAIL]).toBe(1);
    expect(s.consumed[EVENTS]).toBe(1);
    expect(s.named('finishMessage').map((c) => c.args)).toEqual([{ messageKey }]);
    expect(s.named('markDead')).toHaveLength(0);
    expect(s.named('markResent')).toHaveLength(0);
    // finished only after the mail went out
    const order = s.calls.map((c) => c);
    expect(order.indexOf(s.named('finishMessage')[0])).toBeGreaterThan(order.indexOf(mailAttempts[2]));
    expect(await status(handle)).toBe('RUNNING');
  });
});

test('a local step that fails for good cancels the message: no confirm, no mail, REJECTED', async () => {
  const s = await scenario({
    producer: {
      saveUser: async () => {
        throw ApplicationFailure.create({
          type: 'EMAIL_TAKEN',
          message: 'This e-mail address is already registered.',
          nonRetryable: true,
        });
      },
    },
  });
  await s.run(async () => {
    const { registered, handle: started } = s.register();
    expect(await updateFailureType(registered)).toBe('EMAIL_TAKEN');
    const handle = await started;

    const result = await handle.result();
    expect(result.stage).toBe('REJECTED');
    const { messageKey } = s.message(ACTIVE_USER);
    expect(s.named('cancelMessage').map((c) => c.args)).toEqual([{ messageKey, reason: 'EMAIL_TAKEN' }]);
    expect(s.named('saveUser')).toHaveLength(1); // EMAIL_TAKEN is not retried
    expect(steps(s.calls)).toEqual([`recordPendingMessage(${ACTIVE_USER})`, 'saveUser', 'cancelMessage']);
    expect(s.named('confirmMessage')).toHaveLength(0);
    expect(s.named('deliver')).toHaveLength(0);
    expect(s.consumed).toEqual({ [MAIL]: 0, [EVENTS]: 0 });
  });
});

test('a consumer that always fails makes the message DEAD, the workflow waits, and an operator resend finishes it', async () => {
  let mailBroken = true;
  const s = await scenario({
    deliveryMaxAttempts: 3,
    consumers: {
      [MAIL]: () => {
        if (mailBroken) throw new Error('mailbox full');
      },
    },
  });
  await s.run(async () => {
    const handle = await s.start();
    await handle.executeUpdate(registeredUpdate, { args: [{ loginName: s.input.loginName }] });
    const { messageKey } = s.message(ACTIVE_USER);

    await waitUntil(() => s.named('markDead').length === 1, 'the mail consumer to be marked DEAD');
    expect(s.named('markDead')[0].args).toEqual({ messageKey, consumerGroup: MAIL, error: 'mailbox full', round: 0 });
    const mailAttempts = () => s.named('deliver').filter((c) => c.args.consumerGroup === MAIL);
    expect(mailAttempts()).toHaveLength(3);
    expect(s.consumed).toEqual({ [MAIL]: 0, [EVENTS]: 1 });

    // It waits for the operator: no more attempts, not finished, still running — even an hour later.
    await skip(HOUR);
    expect(await status(handle)).toBe('RUNNING');
    expect(mailAttempts()).toHaveLength(3);
    expect(s.named('markDead')).toHaveLength(1);
    expect(s.named('finishMessage')).toHaveLength(0);
    expect(s.named('markResent')).toHaveLength(0);

    mailBroken = false;
    await handle.signal('resendMessage'); // by hand, without a message key: ignored
    await handle.signal(resendSignal, { messageKey });
    await waitUntil(() => s.named('finishMessage').length === 1, 'the message to be finished after the resend');

    expect(s.named('markResent').map((c) => c.args)).toEqual([
      { messageKey, consumerGroup: MAIL, resend: 1, reviveMessage: true },
    ]);
    expect(s.named('finishMessage').map((c) => c.args)).toEqual([{ messageKey }]);
    expect(mailAttempts()).toHaveLength(4);
    expect(s.consumed).toEqual({ [MAIL]: 1, [EVENTS]: 1 });
    expect(s.named('markDead')).toHaveLength(1);
    const names = s.calls.map((c) => c.name);
    const resentAt = names.indexOf('markResent');
    expect(names.indexOf('markDead')).toBeLessThan(resentAt);
    expect(s.calls.indexOf(mailAttempts()[3])).toBeGreaterThan(resentAt);
    expect(names.indexOf('finishMessage')).toBeGreaterThan(s.calls.indexOf(mailAttempts()[3]));
    expect(await status(handle)).toBe('RUNNING'); // still awaiting activation
  });
});

test('one resend revives every dead consumer of the message, and counts once', async () => {
  let broken = true;
  const failWhileBroken = () => {
    if (broken) throw new Error('consumer down');
  };
  const s = await scenario({
    deliveryMaxAttempts: 2,
    consumers: { [MAIL]: failWhileBroken, [EVENTS]: failWhileBroken },
  });
  await s.run(async () => {
    const handle = await s.start();
    await handle.executeUpdate(registeredUpdate, { args: [{ loginName: s.input.loginName }] });
    const { messageKey } = s.message(ACTIVE_USER);
    await waitUntil(() => s.named('markDead').length === 2, 'both consumers to be marked DEAD');

    broken = false;
    await handle.signal(resendSignal, { messageKey });
    await waitUntil(() => s.named('finishMessage').length === 1, 'the message to be finished after the resend');

    const resent = s.named('markResent').map((c) => c.args);
    expect(resent.map((r) => r.consumerGroup).sort()).toEqual([EVENTS, MAIL]);
    // Exactly one of the two moves the message DEAD → SENDING and counts the resend.
    expect(resent.filter((r) => r.reviveMessage).length).toBe(1);
    expect(s.consumed).toEqual({ [MAIL]: 1, [EVENTS]: 1 });
  });
});

test('a consumer that dies again after a resend: its DEADs and resends are numbered apart, for the trail to keep each', async () => {
  let resends = 0;
  const s = await scenario({
    deliveryMaxAttempts: 2,
    consumers: {
      [MAIL]: () => {
        if (resends < 2) throw new Error('mailbox full');
      },
    },
  });
  await s.run(async () => {
    const handle = await s.start();
    await handle.executeUpdate(registeredUpdate, { args: [{ loginName: s.input.loginName }] });
    const { messageKey } = s.message(ACTIVE_USER);
    for (const dead of [1, 2]) {
      await waitUntil(() => s.named('markDead').length === dead, `the mail consumer to be marked DEAD (${dead})`);
      resends++;
      await handle.signal(resendSignal, { messageKey });
    }
    await waitUntil(() => s.named('finishMessage').length === 1, 'the message to be finished after the second resend');

    expect(s.named('markDead').map((c) => c.args.round)).toEqual([0, 1]);
    expect(s.named('markResent').map((c) => c.args)).toEqual([
      { messageKey, consumerGroup: MAIL, resend: 1, reviveMessage: true },
      { messageKey, consumerGroup: MAIL, resend: 2, reviveMessage: true },
    ]);
  });
});

const emailTaken = () =>
  ApplicationFailure.create({
    type: 'EMAIL_TAKEN',
    message: 'This e-mail address is already registered.',
    nonRetryable: true,
  });
const loginNameTaken = () =>
  ApplicationFailure.create({
    type: 'LOGIN_NAME_TAKEN',
    message: 'This login name is already taken.',
    nonRetryable: true,
  });

test('a registration refused for a taken address starts the holder’s notice as a flow of its own, which outlives it and sends one mail per window', async () => {
  const s = await scenario({
    accountNotice: true,
    producer: { saveUser: async () => Promise.reject(emailTaken()) },
  });
  await s.run(async () => {
    const { registered, handle: started } = s.register();
    const refusal = await updateFailure(registered);
    expect(refusal.type).toBe('EMAIL_TAKEN');
    expect(refusal.details).toEqual([{ ownerNoticed: true }]);
    const handle = await started;
    expect((await handle.result()).stage).toBe('REJECTED');

    const notice = env.client.workflow.getHandle(s.input.accountNotice!.workflowId);
    expect((await notice.describe()).status.name).toBe('RUNNING');
    await waitUntil(() => s.named('finishMessage').length === 1, 'the notice to be finished');
    expect(s.named('findAccountHolder').map((c) => c.args)).toEqual([{ email: s.input.email }]);
    const message = s.message(ACCOUNT_EXISTS_NOTICE);
    expect(message).toMatchObject({ userId: HOLDER.userId, workflowId: notice.workflowId });
    expect(message.body).toEqual({ ...HOLDER, email: s.input.email });
    expect(s.consumed).toEqual({ [MAIL]: 1, [EVENTS]: 1 });

    // A second attempt within the window finds the notice running: refused alike, nothing more sent.
    const again = s.register();
    expect((await updateFailure(again.registered)).details).toEqual([{ ownerNoticed: true }]);
    expect((await (await again.handle).result()).stage).toBe('REJECTED');
    expect(s.named('recordPendingMessage').filter((c) => c.args.tag === ACCOUNT_EXISTS_NOTICE)).toHaveLength(1);

    await notice.result(); // the window, skipped
    expect(s.consumed).toEqual({ [MAIL]: 1, [EVENTS]: 1 });
  });
});

test('an attempt on a pending registration under another login name notices the holder from that registration (one started before replacements)', async () => {
  const s = await scenario({ accountNotice: true });
  await s.run(async () => {
    const { handle } = await s.registeredAndMailed();
    const refusal = await updateFailure(
      handle.executeUpdate(registeredUpdate, { args: [{ loginName: 'someone_else' }] }),
    );
    expect({ type: refusal.type, details: refusal.details }).toEqual({
      type: 'EMAIL_TAKEN',
      details: [{ ownerNoticed: true }],
    });
    await waitUntil(() => s.named('finishMessage').length === 2, 'the notice to be finished');
    expect(s.named('findAccountHolder').map((c) => c.args)).toEqual([{ email: s.input.email }]);
    expect(s.message(ACCOUNT_EXISTS_NOTICE).workflowId).toBe(s.input.accountNotice!.workflowId);
    expect(await status(handle)).toBe('RUNNING'); // still waiting for its own click
  });
});

test('without a notice window (a deployment that reveals taken addresses) the refusal leaves the holder alone', async () => {
  const s = await scenario({ producer: { saveUser: async () => Promise.reject(emailTaken()) } });
  await s.run(async () => {
    const { registered, handle } = s.register();
    expect((await updateFailure(registered)).details).toEqual([{ ownerNoticed: false }]);
    await (await handle).result();
    expect(s.named('findAccountHolder')).toHaveLength(0);
    const { events } = await (await handle).fetchHistory();
    expect(events?.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toHaveLength(0);
  });
});

test('another request for a pending address is answered pending; its registrant replaces the pending one, with a new mail naming its login name, and only the new token activates', async () => {
  const s = await scenario({ replaceable: {} });
  await s.run(async () => {
    const { handle, userId } = await s.registeredAndMailed();
    // The request that started it, asked again, is answered as before; any other is told the registration is pending.
    expect(
      await handle.executeUpdate(registeredUpdate, {
        args: [{ loginName: s.input.loginName, requestId: s.input.requestId }],
      }),
    ).toEqual({ userId, status: 'DISABLED', workflowId: handle.workflowId });
    expect(
      await handle.executeUpdate(registeredUpdate, { args: [{ loginName: 'victim', requestId: 'another-request' }] }),
    ).toEqual({ userId, status: 'DISABLED', workflowId: handle.workflowId, pending: true });

    const replaced = await handle.executeUpdate(replaceRegistrantUpdate, {
      args: [{ loginName: 'victim', passwordHash: 'victim-hash', tokenSalt: 'salt-of-the-victim' }],
    });
    expect(replaced).toEqual({ userId, status: 'DISABLED', workflowId: handle.workflowId });
    expect(s.named('replaceRegistrant').map((c) => c.args)).toEqual([
      {
        userId,
        email: s.input.email,
        loginName: 'victim',
        passwordHash: 'victim-hash',
        workflowId: handle.workflowId,
        tokenSalt: 'salt-of-the-victim',
        tokenTtlSeconds: 86400,
      },
    ]);
    await waitUntil(() => s.named('finishMessage').length === 2, 'the replacement’s activation mail to be finished');
    expect(s.named('recordPendingMessage').map((c) => [c.args.tag, c.args.body.loginName])).toEqual([
      [ACTIVE_USER, s.input.loginName],
      [ACTIVE_USER, 'victim'],
    ]);

    expect(await updateFailureType(handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] }))).toBe(
      'TOKEN_INVALID',
    );
    expect(await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h3' }] })).toEqual({
      userId,
      status: 'ENABLED',
    });
    expect(await handle.result()).toEqual({ userId, stage: 'ENABLED' });
    // The success mail names the login name that was activated.
    expect(s.message(ACTIVE_USER_SUCCESS).body.loginName).toBe('victim');
  });
});

test('a replacement whose login name is taken changes nothing: LOGIN_NAME_TAKEN, its message cancelled, the first token still works', async () => {
  const s = await scenario({
    replaceable: {},
    producer: { replaceRegistrant: async () => Promise.reject(loginNameTaken()) },
  });
  await s.run(async () => {
    const { handle, userId } = await s.registeredAndMailed();
    const refusal = handle.executeUpdate(replaceRegistrantUpdate, {
      args: [{ loginName: 'taken', passwordHash: 'other-hash', tokenSalt: 'salt-2' }],
    });
    expect(await updateFailureType(refusal)).toBe('LOGIN_NAME_TAKEN');
    expect(s.named('cancelMessage')).toHaveLength(1);
    expect(await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] })).toEqual({
      userId,
      status: 'ENABLED',
    });
    expect(s.message(ACTIVE_USER_SUCCESS).body.loginName).toBe(s.input.loginName);
  });
});

test('a registration started before replacements refuses one before it is recorded', async () => {
  const s = await scenario();
  await s.run(async () => {
    const { handle } = await s.registeredAndMailed();
    await expect(
      handle.executeUpdate(replaceRegistrantUpdate, {
        args: [{ loginName: 'victim', passwordHash: 'victim-hash', tokenSalt: 'salt-2' }],
      }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    expect(s.named('replaceRegistrant')).toHaveLength(0);
  });
});

test('what the history holds of the token does not activate: the stored check is refused, the token’s hash accepted', async () => {
  const s = await scenario({ replaceable: {} });
  await s.run(async () => {
    const { handle, userId } = await s.registeredAndMailed();
    expect(
      await updateFailureType(handle.executeUpdate(activateUpdate, { args: [{ tokenHash: tokenCheckOf('h1') }] })),
    ).toBe('TOKEN_INVALID');
    expect(await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] })).toEqual({
      userId,
      status: 'ENABLED',
    });
  });
});

test('resends do not move the window past the ceiling: a resend at 40 h of a 48 h ceiling expires it at 48 h, not at 64 h', async () => {
  const s = await scenario({ replaceable: { ceilingSeconds: 48 * 3600 } });
  await s.run(async () => {
    const { handle, userId } = await s.registeredAndMailed();
    await skip(20 * HOUR);
    await handle.signal(resendActivationSignal, { tokenSalt: 'salt-at-20h' });
    await waitUntil(() => s.named('finishMessage').length === 2, 'the first resend’s mail to be finished');
    await skip(20 * HOUR);
    await handle.signal(resendActivationSignal, { tokenSalt: 'salt-at-40h' });
    await waitUntil(() => s.named('finishMessage').length === 3, 'the second resend’s mail to be finished');
    await skip(7 * HOUR);
    expect(await status(handle)).toBe('RUNNING'); // 47 h: within the ceiling
    expect(s.named('expireUser')).toHaveLength(0);

    await skip(2 * HOUR);
    // 49 h: past the ceiling, though the second resend's 24 h would run until 64 h.
    await waitUntil(() => s.named('expireUser').length === 1, 'the user to be expired at the ceiling', 10_000);
    expect(await handle.result()).toEqual({ userId, stage: 'EXPIRED' });
  });
});

test('an SMTP outage of hours before the first delivery: the window counts from the mail’s acceptance, and ends 24 h after it, not a minute more', async () => {
  let outageEnds = Infinity;
  let acceptedAt = 0;
  const s = await scenario({
    replaceable: { ceilingSeconds: 72 * 3600 },
    deliveryMaxAttempts: 200,
    consumers: {
      [MAIL]: async () => {
        const now = await env.currentTimeMs();
        if (now < outageEnds) throw new Error('SMTP server unavailable');
        acceptedAt = now;
      },
    },
  });
  await s.run(async () => {
    outageEnds = (await env.currentTimeMs()) + 3 * HOUR;
    const { handle } = await s.registeredAndStarted();
    await skip(3 * HOUR + 10 * 60_000);
    await waitUntil(() => s.named('finishMessage').length === 1, 'the activation mail to leave', 60_000);
    expect(acceptedAt).toBeGreaterThanOrEqual(outageEnds);

    await skip(acceptedAt + 24 * HOUR - 60_000 - (await env.currentTimeMs()));
    expect(await handle.query(stageQuery)).toBe('AWAITING_ACTIVATION'); // a minute before the window ends
    expect(s.named('expireUser')).toHaveLength(0);

    await skip(2 * 60_000);
    await waitUntil(() => s.named('expireUser').length === 1, 'the user to be expired', 10_000);
    expect((await handle.result()).stage).toBe('EXPIRED');
  });
});

test('a registration whose mail cannot leave ends at its ceiling, with no reminder', async () => {
  const s = await scenario({
    replaceable: { ceilingSeconds: 72 * 3600 },
    reminderHours: 6,
    deliveryMaxAttempts: 2,
    consumers: {
      [MAIL]: () => {
        throw new Error('mailbox unavailable');
      },
    },
  });
  await s.run(async () => {
    const { handle } = await s.registeredAndStarted();
    await waitUntil(() => s.named('markDead').length === 1, 'the activation mail to be DEAD', 30_000);
    await skip(71 * HOUR);
    expect(await handle.query(stageQuery)).toBe('AWAITING_ACTIVATION');
    await skip(2 * HOUR);
    await waitUntil(() => s.named('expireUser').length === 1, 'the user to be expired at the ceiling', 10_000);
    // Expired; the DEAD mail still waits for an operator's resend, as every DEAD message does.
    expect(await handle.query(stageQuery)).toBe('EXPIRED');
    // Nothing reached the person to remind them of.
    expect(s.named('recordPendingMessage').filter((c) => c.args.tag === ACTIVE_USER_REMINDER)).toHaveLength(0);
  });
});

describe('the reminder', () => {
  const reminders = (s: Awaited<ReturnType<typeof scenario>>) =>
    s.named('recordPendingMessage').filter((c) => c.args.tag === ACTIVE_USER_REMINDER);
  const withReminder = (extra: Options = {}) =>
    scenario({ replaceable: { ceilingSeconds: 72 * 3600 }, reminderHours: 6, ...extra });

  test('goes once, 6 h before the window closes, with the live link and code, through its own message and confirms; the link still works after it', async () => {
    const s = await withReminder();
    await s.run(async () => {
      const mailedAt = await env.currentTimeMs();
      const { handle, userId } = await s.registeredAndMailed();
      await skip(17 * HOUR + 50 * 60_000);
      expect(reminders(s)).toHaveLength(0); // 10 minutes before it is due

      await skip(20 * 60_000);
      await waitUntil(() => s.named('finishMessage').length === 2, 'the reminder to be finished');
      const [reminder] = reminders(s).map((c) => c.args as OutgoingMessage);
      expect(reminder.body.tokenSalt).toBe(s.input.tokenSalt);
      const windowEndsAt = Date.parse(reminder.body.windowEndsAt!);
      expect(windowEndsAt - mailedAt).toBeGreaterThanOrEqual(24 * HOUR - 60_000);
      expect(windowEndsAt - mailedAt).toBeLessThanOrEqual(24 * HOUR + 60_000);
      expect(s.named('confirmMessage').map((c) => c.args.messageKey)).toContain(reminder.messageKey);
      const delivered = s.named('deliver').filter((c) => c.args.messageKey === reminder.messageKey);
      expect(delivered.map((c) => c.args.consumerGroup).sort()).toEqual([EVENTS, MAIL]);
      expect(await handle.query(activationWindowQuery)).toMatchObject({ endsAt: windowEndsAt });

      expect(await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] })).toEqual({
        userId,
        status: 'ENABLED',
      });
      expect((await handle.result()).stage).toBe('ENABLED');
      expect(reminders(s)).toHaveLength(1);
    });
  });

  test('one only: a registration left alone gets one reminder, then expires when the window closes', async () => {
    const s = await withReminder();
    await s.run(async () => {
      const { handle } = await s.registeredAndMailed();
      await skip(18 * HOUR + 60_000);
      await waitUntil(() => reminders(s).length === 1, 'the reminder');
      await skip(6 * HOUR);
      await waitUntil(() => s.named('expireUser').length === 1, 'the user to be expired', 10_000);
      expect((await handle.result()).stage).toBe('EXPIRED');
      expect(reminders(s)).toHaveLength(1);
    });
  });

  test('none after the activation', async () => {
    const s = await withReminder();
    await s.run(async () => {
      const { handle } = await s.registeredAndMailed();
      await skip(10 * HOUR);
      await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] });
      expect((await handle.result()).stage).toBe('ENABLED');
      await skip(20 * HOUR);
      expect(reminders(s)).toHaveLength(0);
    });
  });

  test('a resend moves it: 18 h after the resent mail’s acceptance, not after the first mail’s', async () => {
    const s = await withReminder();
    await s.run(async () => {
      const { handle } = await s.registeredAndMailed();
      await skip(10 * HOUR);
      await handle.signal(resendActivationSignal, { tokenSalt: 'salt-at-10h' });
      await waitUntil(() => s.named('finishMessage').length === 2, 'the resent mail to be finished');
      await skip(9 * HOUR); // 19 h: past when the first mail's reminder would have gone
      expect(reminders(s)).toHaveLength(0);
      await skip(10 * HOUR); // 29 h: 18 h after the resend
      await waitUntil(() => reminders(s).length === 1, 'the reminder');
      expect(reminders(s)[0].args.body.tokenSalt).toBe('salt-at-10h');
      expect(await handle.query(stageQuery)).toBe('AWAITING_ACTIVATION');
    });
  });

  test('one per registration: a resend after the reminder brings no second one', async () => {
    const s = await withReminder();
    await s.run(async () => {
      const { handle } = await s.registeredAndMailed();
      await skip(18 * HOUR + 60_000);
      await waitUntil(() => reminders(s).length === 1, 'the first window’s reminder');
      await skip(2 * HOUR); // the first window is still open: the resend asks for a new one
      await handle.signal(resendActivationSignal, { tokenSalt: 'salt-late' });
      await waitUntil(() => s.named('finishMessage').length === 3, 'the resent mail to be finished');
      await skip(20 * HOUR); // 40 h: 2 h past when the resent window's reminder would be due
      expect(reminders(s)).toHaveLength(1);
      expect(await handle.query(stageQuery)).toBe('AWAITING_ACTIVATION');
    });
  });

  test('none within its lead of the latest mail: a resend at 62 h of a 72 h ceiling expires at 72 h without one', async () => {
    const s = await withReminder();
    await s.run(async () => {
      const { handle } = await s.registeredAndMailed();
      // Activation mails every 17 h keep the reminder (due 18 h after each) from coming.
      const resends = [17, 34, 51, 62];
      for (const [i, hour] of resends.entries()) {
        await skip((hour - (resends[i - 1] ?? 0)) * HOUR);
        await handle.signal(resendActivationSignal, { tokenSalt: `salt-at-${hour}h` });
        await waitUntil(() => s.named('finishMessage').length === 2 + i, `the ${hour} h mail`);
      }
      // The 62 h mail's window ends at the ceiling, 72 h: a reminder at 66 h would follow it by only 4 h.
      await skip(11 * HOUR);
      await waitUntil(() => s.named('expireUser').length === 1, 'the user to be expired at the ceiling', 10_000);
      expect(reminders(s)).toHaveLength(0);
    });
  });

  test('none when turned off (0)', async () => {
    const s = await withReminder({ reminderHours: 0 });
    await s.run(async () => {
      const { handle } = await s.registeredAndMailed();
      await skip(25 * HOUR);
      await waitUntil(() => s.named('expireUser').length === 1, 'the user to be expired', 10_000);
      expect((await handle.result()).stage).toBe('EXPIRED');
      expect(reminders(s)).toHaveLength(0);
    });
  });
});

describe('a bounce or a complaint', () => {
  const withReminder = () => scenario({ replaceable: { ceilingSeconds: 72 * 3600 }, reminderHours: 6 });

  test.each(['BOUNCED', 'COMPLAINED'] as const)(
    '%s: the waiting registration stops at once, stage BOUNCED, its user released (bounceUser), and no reminder ever goes',
    async (outcome) => {
      const s = await withReminder();
      await s.run(async () => {
        const { handle, userId } = await s.registeredAndMailed();
        await skip(HOUR);
        await handle.signal(mailRefusedSignal, { messageKey: s.message(ACTIVE_USER).messageKey, outcome });
        expect(await handle.result()).toEqual({ userId, stage: 'BOUNCED' });
        expect(s.named('bounceUser').map((c) => c.args)).toEqual([{ userId }]);
        expect(s.named('expireUser')).toHaveLength(0);
        expect(s.named('recordPendingMessage').map((c) => c.args.tag)).toEqual([ACTIVE_USER]);
        // Closed: the link no longer activates anything.
        await expect(handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] })).rejects.toBeInstanceOf(
          WorkflowNotFoundError,
        );
      });
    },
  );

  test('of a mail that is not this registration’s (an earlier registration of the address) changes nothing', async () => {
    const s = await scenario();
    await s.run(async () => {
      const { handle, userId } = await s.registeredAndMailed();
      await handle.signal(mailRefusedSignal, { messageKey: randomUUID(), outcome: 'BOUNCED' });
      await handle.signal(mailRefusedSignal, undefined as never);
      expect(await handle.query(stageQuery)).toBe('AWAITING_ACTIVATION');
      expect(await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] })).toEqual({
        userId,
        status: 'ENABLED',
      });
      expect((await handle.result()).stage).toBe('ENABLED');
      expect(s.named('bounceUser')).toHaveLength(0);
    });
  });

  test('after the activation changes nothing: the account stays active', async () => {
    const s = await scenario();
    await s.run(async () => {
      const { handle, userId } = await s.registeredAndMailed();
      await handle.executeUpdate(activateUpdate, { args: [{ tokenHash: 'h1' }] });
      // The workflow may have finished already: the signal then finds nothing to tell.
      await handle
        .signal(mailRefusedSignal, { messageKey: s.message(ACTIVE_USER).messageKey, outcome: 'BOUNCED' })
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
      expect(await handle.result()).toEqual({ userId, stage: 'ENABLED' });
      expect(s.named('bounceUser')).toHaveLength(0);
    });
  });
});

describe('a suppressed address', () => {
  /** The mail consumer as it refuses a suppressed address: at once, for good, before any SMTP traffic. */
  const refusedAsSuppressed = () => {
    throw suppressedFailure('hard-bounce');
  };
  /**
   * The distinct arguments the local step was called with. The workflow ends in the task that records the
   * DEAD: when the other consumer's delivery completes during that task, the server refuses its completion
   * and the task's local steps run again on the retry. They are idempotent, so each is counted once.
   */
  const distinctCalls = (s: Awaited<ReturnType<typeof scenario>>, name: string) => [
    ...new Map(s.named(name).map((c) => [JSON.stringify(c.args), c.args])).values(),
  ];

  test('its activation mail refused: the registration ends BOUNCED before any timer, its user released (bounceUser), nothing sent, no reminder', async () => {
    const s = await scenario({
      replaceable: { ceilingSeconds: 72 * 3600 },
      reminderHours: 6,
      consumers: { [MAIL]: refusedAsSuppressed },
    });
    await s.run(async () => {
      const { handle, userId } = await s.registeredAndStarted();
      expect(await handle.result()).toEqual({ userId, stage: 'BOUNCED' });

      const { messageKey } = s.message(ACTIVE_USER);
      expect(distinctCalls(s, 'markDead')).toEqual([
        {
          messageKey,
          consumerGroup: MAIL,
          error: 'SUPPRESSED: the address is on the suppression list (hard-bounce)',
          round: 0,
        },
      ]);
      expect(s.named('deliver').filter((c) => c.args.consumerGroup === MAIL)).toHaveLength(1);
      expect(s.consumed[MAIL]).toBe(0);
      expect(distinctCalls(s, 'bounceUser')).toEqual([{ userId }]);
      expect(s.named('expireUser')).toHaveLength(0);
      expect(s.named('recordPendingMessage').map((c) => c.args.tag)).toEqual([ACTIVE_USER]);
      expect(await reported(handle, Stage)).toEqual(['AWAITING_ACTIVATION', 'BOUNCED']);
      // It did not wait out the activation window or the ceiling: no timer of it ever fired.
      const events = (await handle.fetchHistory()).events ?? [];
      expect(events.filter((e) => e.timerFiredEventAttributes)).toEqual([]);
    });
  });

  test('a resent activation mail refused, after the first one left: the registration ends BOUNCED', async () => {
    let firstMail: string | undefined;
    const s = await scenario({
      replaceable: {},
      consumers: {
        [MAIL]: ({ messageKey }) => {
          firstMail ??= messageKey;
          if (messageKey !== firstMail) refusedAsSuppressed();
        },
      },
    });
    await s.run(async () => {
      const { handle, userId } = await s.registeredAndMailed();
      await handle.signal(resendActivationSignal, { tokenSalt: 'salt-resent' });
      expect(await handle.result()).toEqual({ userId, stage: 'BOUNCED' });
      const resent = s.named('recordPendingMessage').find((c) => c.args.messageKey !== firstMail)!.args.messageKey;
      expect(distinctCalls(s, 'markDead')).toEqual([
        expect.objectContaining({
          messageKey: resent,
          consumerGroup: MAIL,
          error: expect.stringMatching(/^SUPPRESSED/),
        }),
      ]);
      expect(distinctCalls(s, 'bounceUser')).toEqual([{ userId }]);
      expect(s.consumed[MAIL]).toBe(1);
    });
  });

  test('a mail DEAD for another reason still waits for an operator’s resend', async () => {
    const s = await scenario({
      deliveryMaxAttempts: 2,
      consumers: {
        [MAIL]: () => {
          throw ApplicationFailure.create({ type: 'SMTP_REJECTED', message: '550 relay denied', nonRetryable: true });
        },
      },
    });
    await s.run(async () => {
      const { handle } = await s.registeredAndStarted();
      await waitUntil(() => s.named('markDead').length === 1, 'the activation mail to be DEAD');
      await skip(HOUR);
      expect(await handle.query(stageQuery)).toBe('AWAITING_ACTIVATION');
      expect(s.named('bounceUser')).toHaveLength(0);
    });
  });
});
