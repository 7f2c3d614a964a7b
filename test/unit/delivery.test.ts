/**
 * The consumer's delivery pipeline (activities/consumers/delivery.ts) run in Temporal's mock activity
 * context, with a handler passed in, an in-memory stand-in for its Redis commands, for the two
 * confirm reads and writes it makes and for the claims of its state changes: a message is handled once per consumer however often it is
 * delivered, a failure frees the claim for the next attempt, a claim held by another attempt is left
 * alone, and a claim left by an attempt that never finished lapses after one attempt's time.
 */
import {
  ApplicationFailure,
  noopMetricMeter,
  type Logger,
  type MetricCounter,
  type MetricHistogram,
  type MetricMeter,
  type MetricTags,
} from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import nodemailer from 'nodemailer';
import type StreamTransport from 'nodemailer/lib/stream-transport';
import { createDeliverActivity, type MessageHandler } from '../../activities/consumers/delivery';
import {
  CONSUMED_MARK,
  CONSUMED_MARK_TTL_SECONDS,
  DELIVERY_ATTEMPT_TIMEOUT_MS,
  idempotencyKey,
} from '../../domain/delivery';
import { ACTIVE_USER, SEND_EMAIL_TOPIC, type OutgoingMessage } from '../../domain/messaging';
import { Confirm, confirmId, Message } from '../../domain/models';
import { EVENTS_CONSUMER, MAIL_CONSUMER } from '../../domain/subscriptions';
import { newTokenSalt } from '../../domain/tokens';
import { createDeliveryMetrics } from '../../infra/delivery-metrics';
import { MemoryRedis } from '../setup/memory-redis';
import { applyHistory, stubAuditTransitions, type HistoryUpdate } from '../setup/audit-stand-ins';
import { matchesStatus, type GuardedFilter } from '../setup/status-filter';
import { configuredMailHandler } from '../setup/mail-handler';

const GROUP = MAIL_CONSUMER;
const message: OutgoingMessage = {
  messageKey: 'msg-1',
  topic: SEND_EMAIL_TOPIC,
  tag: ACTIVE_USER,
  userId: 'user-1',
  workflowId: 'registration-1',
  body: { userId: 'user-1', loginName: 'alice', email: 'alice@example.com', tokenSalt: newTokenSalt() },
};
const KEY = idempotencyKey(GROUP, message.messageKey);
const CONFIRM_ID = confirmId(message.messageKey, GROUP);

// --- The confirms, in memory: the pipeline reads a confirm's status by _id and updates it by _id. ---

interface ConfirmRow {
  status: string;
  consumeCount: number;
  lastError?: string;
  history: { status: string; detail?: string }[];
}
type Update = {
  $set?: Partial<ConfirmRow>;
  $inc?: Partial<Record<'consumeCount', number>>;
} & HistoryUpdate<ConfirmRow['history'][number]>;

const confirms = new Map<string, ConfirmRow>();
/** When the confirm was created (the message confirmed, right after the request): the latency counts from it. */
let createdAt: Date;

function seedConfirm(status: string, consumeCount = 0): void {
  confirms.set(CONFIRM_ID, { status, consumeCount, history: [{ status }] });
}
const confirm = () => confirms.get(CONFIRM_ID)!;

/** The confirms collection's updateOne, on the rows above. */
function updateConfirm(filter: { _id: string }, update: Update) {
  const row = confirms.get(filter._id);
  if (row) {
    Object.assign(row, update.$set);
    if (update.$inc?.consumeCount) row.consumeCount += update.$inc.consumeCount;
    applyHistory(row.history, update);
  }
  return Promise.resolve({ matchedCount: row ? 1 : 0 });
}

/** The confirms collection's guarded findOneAndUpdate: the confirm as it was, or null when nothing changed. */
function guardedUpdateConfirm(filter: GuardedFilter, update: Update) {
  const row = confirms.get(filter._id);
  if (!row || !matchesStatus(filter.status, row.status)) return Promise.resolve(null);
  const before = { status: row.status, createdAt };
  void updateConfirm(filter, update);
  return Promise.resolve(before);
}

/** The confirm's CONSUMED update fails once, with this error, after the handler ran. */
function failConsumedUpdateOnce(error: string): void {
  let failed = false;
  jest.spyOn(Confirm.collection, 'findOneAndUpdate').mockImplementation(((filter: GuardedFilter, update: Update) => {
    if (update.$set?.status === 'CONSUMED' && !failed) {
      failed = true;
      return Promise.reject(new Error(error));
    }
    return guardedUpdateConfirm(filter, update);
  }) as never);
}

beforeEach(() => {
  stubAuditTransitions();
  confirms.clear();
  createdAt = new Date(Date.now() - 1500);
  jest
    .spyOn(Confirm.collection, 'findOne')
    .mockImplementation((({ _id }: { _id: string }) =>
      Promise.resolve(confirms.has(_id) ? { status: confirms.get(_id)!.status, createdAt } : null)) as never);
  jest.spyOn(Confirm.collection, 'updateOne').mockImplementation(updateConfirm as never);
  jest.spyOn(Confirm.collection, 'findOneAndUpdate').mockImplementation(guardedUpdateConfirm as never);
});

afterEach(() => {
  jest.restoreAllMocks();
});

// --- The pipeline under test. ---

/** The failures the tests provoke are asserted on, not printed. */
const quiet: Logger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function pipeline(handler: MessageHandler, meter: MetricMeter = noopMetricMeter) {
  const redis = new MemoryRedis();
  const deliver = createDeliverActivity(GROUP, handler, redis.asRedis(), createDeliveryMetrics(meter, GROUP));
  /** One attempt of the delivery activity, as Temporal would run it. */
  const attempt = (n: number, consumerGroups?: string[]) =>
    new MockActivityEnvironment({ attempt: n }, { logger: quiet }).run(deliver, { message, consumerGroups });
  return { redis, attempt };
}

/** A handler that records each call and behaves as told for each one (succeeds by default). */
function recordingHandler(...behaviours: ((msg: OutgoingMessage) => Promise<void>)[]) {
  const calls: OutgoingMessage[] = [];
  const handler: MessageHandler = async (msg) => {
    const behaviour = behaviours[calls.length];
    calls.push(msg);
    if (behaviour) await behaviour(msg);
  };
  return { handler, calls };
}

const failWith = (text: string) => () => Promise.reject(new Error(text));

/** The settled outcome of a promise, for asserting on failures without try/catch. */
async function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

describe('a first delivery', () => {
  it('runs the handler once with the message and answers "consumed"', async () => {
    const { handler, calls } = recordingHandler();
    seedConfirm('UNCONFIRMED');
    await expect(pipeline(handler).attempt(1)).resolves.toBe('consumed');
    expect(calls).toEqual([message]);
  });

  it('leaves the confirm CONSUMED, received once, its trail UNCONFIRMED → CONFIRMED → CONSUMED', async () => {
    seedConfirm('UNCONFIRMED');
    await pipeline(recordingHandler().handler).attempt(1);
    expect(confirm()).toMatchObject({ status: 'CONSUMED', consumeCount: 1 });
    expect(confirm().history).toEqual([
      { status: 'UNCONFIRMED' },
      expect.objectContaining({ status: 'CONFIRMED', detail: 'attempt 1' }),
      expect.objectContaining({ status: 'CONSUMED' }),
    ]);
  });

  it('leaves the consumed mark under the consumer idempotency key, kept 10 days', async () => {
    seedConfirm('UNCONFIRMED');
    const { redis, attempt } = pipeline(recordingHandler().handler);
    await attempt(1);
    expect(KEY).toBe('consumer:CID_OPC:msg-1');
    expect(redis.peek(KEY)).toBe(CONSUMED_MARK);
    expect(redis.ttlMs(KEY)).toBe(CONSUMED_MARK_TTL_SECONDS * 1000);
    expect(CONSUMED_MARK_TTL_SECONDS).toBe(10 * 24 * 60 * 60);
  });

  it('holds the message, while the handler runs, under a lease that lapses with the attempt', async () => {
    seedConfirm('UNCONFIRMED');
    let lease: { value?: string; ttlMs?: number } = {};
    const { redis, attempt } = pipeline(async () => {
      lease = { value: redis.peek(KEY), ttlMs: redis.ttlMs(KEY) };
      return Promise.resolve();
    });
    await attempt(3);
    expect(lease).toEqual({ value: 'attempt 3', ttlMs: DELIVERY_ATTEMPT_TIMEOUT_MS });
  });
});

describe('a message already consumed is not handled again', () => {
  it('a delivery whose confirm is CONSUMED answers "already-consumed" without running the handler', async () => {
    seedConfirm('CONSUMED', 1);
    const { handler, calls } = recordingHandler();
    await expect(pipeline(handler).attempt(1)).resolves.toBe('already-consumed');
    expect(calls).toEqual([]);
    expect(confirm()).toMatchObject({ status: 'CONSUMED', consumeCount: 1 });
  });

  it('the same delivery run again after it succeeded sends nothing more', async () => {
    seedConfirm('UNCONFIRMED');
    const { handler, calls } = recordingHandler();
    const { attempt } = pipeline(handler);
    await expect(attempt(1)).resolves.toBe('consumed');
    await expect(attempt(2)).resolves.toBe('already-consumed');
    await expect(attempt(3)).resolves.toBe('already-consumed');
    expect(calls).toHaveLength(1);
  });

  it('after a crash between the consumed mark and the confirm, the next attempt completes without the handler', async () => {
    seedConfirm('CONFIRMED', 1);
    const { handler, calls } = recordingHandler();
    const { redis, attempt } = pipeline(handler);
    await redis.set(KEY, CONSUMED_MARK, 'EX', CONSUMED_MARK_TTL_SECONDS);
    await expect(attempt(2)).resolves.toBe('consumed');
    expect(calls).toEqual([]);
    expect(confirm()).toMatchObject({ status: 'CONSUMED', consumeCount: 2 });
  });
});

describe('a failing handler', () => {
  it("fails the attempt with the handler's error, keeps it on the confirm, and frees the message", async () => {
    seedConfirm('UNCONFIRMED');
    const { handler } = recordingHandler(failWith('421 4.3.2 Service not available'));
    const { redis, attempt } = pipeline(handler);
    const { error } = await outcome(attempt(1));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('421 4.3.2 Service not available');
    expect(redis.peek(KEY)).toBeUndefined();
    expect(confirm()).toMatchObject({ status: 'CONFIRMED', lastError: '421 4.3.2 Service not available' });
  });

  it('is run again by the next attempt, which then consumes the message', async () => {
    seedConfirm('UNCONFIRMED');
    const { handler, calls } = recordingHandler(failWith('timeout'), failWith('timeout'));
    const { redis, attempt } = pipeline(handler);
    await expect(attempt(1)).rejects.toThrow('timeout');
    await expect(attempt(2)).rejects.toThrow('timeout');
    await expect(attempt(3)).resolves.toBe('consumed');
    expect(calls).toHaveLength(3);
    expect(redis.peek(KEY)).toBe(CONSUMED_MARK);
    expect(confirm()).toMatchObject({ status: 'CONSUMED', consumeCount: 3 });
    expect(
      confirm()
        .history.filter((h) => h.status === 'CONFIRMED')
        .map((h) => h.detail),
    ).toEqual(['attempt 1', 'attempt 2', 'attempt 3']);
  });

  it('that fails for good reaches Temporal as it was thrown: non-retryable, with its type', async () => {
    seedConfirm('UNCONFIRMED');
    const { handler } = recordingHandler(() =>
      Promise.reject(ApplicationFailure.nonRetryable('no mail template for tag X', 'UNKNOWN_TAG')),
    );
    const { error } = await outcome(pipeline(handler).attempt(1));
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'UNKNOWN_TAG', nonRetryable: true });
  });

  it("after its lease lapsed and another attempt took the message, leaves that attempt's lease in place", async () => {
    seedConfirm('UNCONFIRMED');
    const { redis, attempt } = pipeline(async () => {
      redis.advance(DELIVERY_ATTEMPT_TIMEOUT_MS);
      await redis.set(KEY, 'attempt 2', 'PX', DELIVERY_ATTEMPT_TIMEOUT_MS, 'NX');
      throw new Error('socket timeout');
    });
    await expect(attempt(1)).rejects.toThrow('socket timeout');
    expect(redis.peek(KEY)).toBe('attempt 2');
  });
});

describe('attempts that overlap', () => {
  it("an attempt that finds another attempt's lease fails, to be retried, and leaves handler and lease alone", async () => {
    seedConfirm('CONFIRMED', 1);
    const { handler, calls } = recordingHandler();
    const { redis, attempt } = pipeline(handler);
    await redis.set(KEY, 'attempt 1', 'PX', DELIVERY_ATTEMPT_TIMEOUT_MS, 'NX');
    const { error } = await outcome(attempt(2));
    expect((error as Error).message).toBe('another delivery of msg-1 to CID_OPC is in progress');
    expect(error).not.toMatchObject({ nonRetryable: true });
    expect(calls).toEqual([]);
    expect(redis.peek(KEY)).toBe('attempt 1');
    expect(confirm().status).toBe('CONFIRMED');
  });

  it('two attempts running at once handle the message once', async () => {
    seedConfirm('UNCONFIRMED');
    let finish!: () => void;
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const { handler, calls } = recordingHandler(
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
          started();
        }),
    );
    const { attempt } = pipeline(handler);
    const first = attempt(1);
    await handlerStarted;
    await expect(attempt(2)).rejects.toThrow('in progress');
    finish();
    await expect(first).resolves.toBe('consumed');
    await expect(attempt(3)).resolves.toBe('already-consumed');
    expect(calls).toHaveLength(1);
  });

  it("the lease of an attempt that never finished lapses after one attempt's time, then the next delivers", async () => {
    seedConfirm('UNCONFIRMED');
    const { handler, calls } = recordingHandler(() => new Promise<void>(() => undefined));
    const { redis, attempt } = pipeline(handler);
    void attempt(1); // the worker running it dies: the handler never returns
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(1);

    redis.advance(DELIVERY_ATTEMPT_TIMEOUT_MS - 1);
    await expect(attempt(2)).rejects.toThrow('in progress');
    redis.advance(1);
    await expect(attempt(3)).resolves.toBe('consumed');
    expect(calls).toHaveLength(2);
  });
});

describe('a store down just after the handler ran', () => {
  it('Redis refusing the consumed mark: the attempt succeeds on the confirm, and a retry does not handle it again', async () => {
    const { handler, calls } = recordingHandler();
    seedConfirm('UNCONFIRMED');
    const { redis, attempt } = pipeline(handler);
    const set = redis.set.bind(redis);
    jest
      .spyOn(redis, 'set')
      .mockImplementation((key, value, ...options) =>
        value === CONSUMED_MARK ? Promise.reject(new Error('Connection is closed.')) : set(key, value, ...options),
      );

    await expect(attempt(1)).resolves.toBe('consumed');
    expect(confirm().status).toBe('CONSUMED');
    redis.advance(DELIVERY_ATTEMPT_TIMEOUT_MS);
    await expect(attempt(2)).resolves.toBe('already-consumed');
    expect(calls).toHaveLength(1);
  });

  it('MongoDB refusing the CONSUMED confirm: the attempt fails, and its retry finds the Redis mark and only records it', async () => {
    const { handler, calls } = recordingHandler();
    seedConfirm('UNCONFIRMED');
    const { redis, attempt } = pipeline(handler);
    failConsumedUpdateOnce('connection closed');

    await expect(attempt(1)).rejects.toThrow('connection closed');
    expect(redis.peek(KEY)).toBe(CONSUMED_MARK);
    await expect(attempt(2)).resolves.toBe('consumed');
    expect(confirm().status).toBe('CONSUMED');
    expect(calls).toHaveLength(1);
  });
});

describe('a message without a confirm', () => {
  it('fails for good (NO_CONFIRM) without running the handler or claiming the message', async () => {
    const { handler, calls } = recordingHandler();
    const { redis, attempt } = pipeline(handler);
    const { error } = await outcome(attempt(1));
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'NO_CONFIRM', nonRetryable: true });
    expect(calls).toEqual([]);
    expect(redis.keys()).toEqual([]);
  });
});

describe('with the mail handler', () => {
  it('an SMTP failure, its retry and a repeated delivery put exactly one mail on the wire', async () => {
    const mailer = nodemailer.createTransport({ streamTransport: true, buffer: true } as StreamTransport.Options);
    const sendMail = jest
      .spyOn(mailer, 'sendMail')
      .mockRejectedValueOnce(new Error('421 4.3.2 Service not available') as never);
    const handler = configuredMailHandler(mailer);
    seedConfirm('UNCONFIRMED');
    const { attempt } = pipeline(handler);

    await expect(attempt(1)).rejects.toThrow('421');
    await expect(attempt(2)).resolves.toBe('consumed');
    await expect(attempt(3)).resolves.toBe('already-consumed');

    expect(sendMail).toHaveBeenCalledTimes(2);
    const delivered = (await sendMail.mock.results[1].value) as StreamTransport.SentMessageInfo;
    expect(delivered.envelope.to).toEqual(['alice@example.com']);
    expect(delivered.messageId).toBe('<msg-1.CID_OPC@reliable-signup>');
  });
});

describe('metrics', () => {
  /** A meter that keeps what is counted and recorded, as `name{tags}` → values. */
  function recordingMeter() {
    const values = new Map<string, number[]>();
    const key = (name: string, tags: MetricTags) =>
      `${name}{${Object.entries(tags)
        .sort()
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',')}}`;
    const metric = (name: string, base: MetricTags): MetricCounter & MetricHistogram => {
      const push = (value: number, extra: MetricTags = {}) => {
        const k = key(name, { ...base, ...extra });
        values.set(k, [...(values.get(k) ?? []), value]);
      };
      return {
        name,
        kind: 'counter',
        valueType: 'int',
        add: push,
        record: push,
        withTags: (tags: MetricTags) => metric(name, { ...base, ...tags }),
      } as never;
    };
    const meter = {
      createCounter: (name: string) => metric(name, {}),
      createHistogram: (name: string) => metric(name, {}),
      createGauge: (name: string) => metric(name, {}),
      withTags: () => meter,
    } as unknown as MetricMeter;
    const sum = (k: string) => (values.get(k) ?? []).reduce((a, b) => a + b, 0);
    return { meter, values, sum };
  }

  it('a handled message counts one delivery of its tag and its latency since the message was confirmed', async () => {
    seedConfirm('UNCONFIRMED');
    const { meter, values, sum } = recordingMeter();
    const { attempt } = pipeline(recordingHandler().handler, meter);
    await attempt(1);
    await attempt(2);
    expect(sum('reliable_signup_deliveries_total{consumer_group=CID_OPC,tag=ACTIVE_USER}')).toBe(1);
    const latency = values.get('reliable_signup_delivery_latency_ms{consumer_group=CID_OPC,tag=ACTIVE_USER}');
    expect(latency).toHaveLength(1);
    expect(latency![0]).toBeGreaterThanOrEqual(1500);
    expect(latency![0]).toBeLessThan(60_000);
  });

  it('a mail sent is counted once, even when recording it fails and the retry completes without sending', async () => {
    seedConfirm('UNCONFIRMED');
    const { meter, sum } = recordingMeter();
    const { handler, calls } = recordingHandler();
    const { attempt } = pipeline(handler, meter);
    failConsumedUpdateOnce('MongoDB unreachable');
    await expect(attempt(1)).rejects.toThrow('MongoDB unreachable');
    await expect(attempt(2)).resolves.toBe('consumed');
    expect(calls).toHaveLength(1);
    expect(sum('reliable_signup_deliveries_total{consumer_group=CID_OPC,tag=ACTIVE_USER}')).toBe(1);
  });

  it('a failure counts as retryable, or as rejected when it fails for good', async () => {
    seedConfirm('UNCONFIRMED');
    const { meter, sum } = recordingMeter();
    const { attempt } = pipeline(
      recordingHandler(failWith('421 busy'), () => Promise.reject(ApplicationFailure.nonRetryable('550 no such user')))
        .handler,
      meter,
    );
    await outcome(attempt(1));
    await outcome(attempt(2));
    const failures = (kind: string) =>
      sum(`reliable_signup_delivery_failures_total{consumer_group=CID_OPC,kind=${kind},tag=ACTIVE_USER}`);
    expect([failures('retryable'), failures('rejected')]).toEqual([1, 1]);
    expect(sum('reliable_signup_deliveries_total{consumer_group=CID_OPC,tag=ACTIVE_USER}')).toBe(0);
  });
});

describe('the last consumer of a message', () => {
  const groups = [GROUP, EVENTS_CONSUMER];
  let finished: string[];
  beforeEach(() => {
    finished = [];
    jest.spyOn(Message.collection, 'findOneAndUpdate').mockImplementation(((
      _filter: unknown,
      update: { $set: { status: string } },
    ) => {
      finished.push(update.$set.status);
      return Promise.resolve({ status: 'SENDING' });
    }) as never);
  });

  it('answers "finished" once the other group has consumed the message too, having moved the message to FINISHED', async () => {
    seedConfirm('UNCONFIRMED');
    const { redis, attempt } = pipeline(recordingHandler().handler);
    await redis.set(idempotencyKey(EVENTS_CONSUMER, message.messageKey), CONSUMED_MARK);
    await expect(attempt(1, groups)).resolves.toBe('finished');
    expect(finished).toEqual(['FINISHED']);
  });

  it('answers "consumed" and leaves the message while the other group has not consumed it', async () => {
    seedConfirm('UNCONFIRMED');
    await expect(pipeline(recordingHandler().handler).attempt(1, groups)).resolves.toBe('consumed');
    expect(finished).toEqual([]);
  });

  it('whose finish check fails (Redis gone after the mark) still answers "consumed": the workflow finishes the message', async () => {
    seedConfirm('UNCONFIRMED');
    const { handler, calls } = recordingHandler();
    const { redis, attempt } = pipeline(handler);
    await redis.set(idempotencyKey(EVENTS_CONSUMER, message.messageKey), CONSUMED_MARK);
    jest.spyOn(redis, 'mget').mockRejectedValue(new Error('Connection is closed.'));
    await expect(attempt(1, groups)).resolves.toBe('consumed');
    expect(calls).toHaveLength(1);
    expect(confirm().status).toBe('CONSUMED');
    expect(finished).toEqual([]);
  });
});
