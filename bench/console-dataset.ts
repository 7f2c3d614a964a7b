import { createHash } from 'node:crypto';
import { EVENTS_CONSUMER, MAIL_CONSUMER } from '../domain/subscriptions';

/**
 * The operator console benchmark's generated audit trail: per message its two confirms, a user per
 * registration (two messages each), over 7 days, one message in 1 000 DEAD.
 *
 * Keys are made in blocks of BLOCK messages: a key is its block's number (6 hex digits) followed by a
 * hash of the message's place in its block. Block n is thus block 0 with that prefix, every number
 * shifted by n × BLOCK / 2 registrations and every date by n × BLOCK messages' time — which lets
 * `console-copy.ts` make the whole set from block 0 inside FerretDB's SQLite file, exactly as this
 * module would have made it.
 */
export const BLOCK = 10_000;
/** The data set spans the retention period (7 days by default), newest at its creation. */
export const SPAN_MS = 7 * 24 * 3_600_000;

const hex6 = (n: number) => n.toString(16).padStart(6, '0');
const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 18);

export function dataset(total: number, start: number) {
  const at = (i: number) => new Date(start + Math.floor((i * SPAN_MS) / total));
  /** Message i's key. */
  const key = (i: number) => `${hex6(Math.floor(i / BLOCK))}${hash(`bench-${i % BLOCK}`)}`;
  /** Registration r's user id (messages 2r and 2r + 1 are its mails). */
  const userId = (r: number) => `u${hex6(Math.floor(r / (BLOCK / 2)))}${hash(`bench-user-${r % (BLOCK / 2)}`)}`;
  /** How far block n's dates lie after block 0's: a whole number of ms only when BLOCK × SPAN is a multiple of total. */
  const blockShiftMs = (BLOCK * SPAN_MS) / total;

  /** One in a thousand messages is DEAD (its mail confirm too), a few are on their way or cancelled. */
  function statusOf(i: number) {
    switch (i % 1000) {
      case 7:
        return 'DEAD';
      case 8:
        return 'SENDING';
      case 9:
        return 'WAIT_SEND';
      case 10:
        return 'CANCELLED';
      default:
        return 'FINISHED';
    }
  }

  /** Message i, its confirms, and (for every second message, the activation mail's) its user. */
  function documents(i: number) {
    const created = at(i);
    const ms = (d: number) => new Date(created.getTime() + d);
    const registration = Math.floor(i / 2);
    const user = userId(registration);
    const status = statusOf(i);
    const messageKey = key(i);
    const message = {
      _id: messageKey,
      messageKey,
      topic: 'SEND_EMAIL_TOPIC',
      tag: i % 2 === 0 ? 'ACTIVE_USER' : 'ACTIVE_USER_SUCCESS',
      producerGroup: 'PID_UAC',
      userId: user,
      workflowId: `registration-${user}`,
      body: {
        userId: user,
        loginName: `user${registration}`,
        email: `user${registration}@example.test`,
        tokenSalt: hash(`salt-${i % BLOCK}`),
      },
      status,
      resendCount: 0,
      history: [
        { status: 'WAIT_SEND', at: created },
        ...(status === 'WAIT_SEND' || status === 'CANCELLED' ? [] : [{ status: 'SENDING', at: ms(5) }]),
        ...(status === 'FINISHED' ? [{ status: 'FINISHED', at: ms(320) }] : []),
        ...(status === 'DEAD' ? [{ status: 'DEAD', at: ms(60_000), detail: MAIL_CONSUMER }] : []),
        ...(status === 'CANCELLED' ? [{ status: 'CANCELLED', at: ms(10), detail: 'bench' }] : []),
      ],
      ...(status === 'DEAD' ? { lastError: `${MAIL_CONSUMER}: connect ECONNREFUSED 127.0.0.1:1025` } : {}),
      createdAt: created,
      updatedAt: ms(320),
    };
    const confirms =
      status === 'WAIT_SEND' || status === 'CANCELLED'
        ? []
        : [MAIL_CONSUMER, EVENTS_CONSUMER].map((consumerGroup) => {
            const dead = status === 'DEAD' && consumerGroup === MAIL_CONSUMER;
            const consumed = status === 'FINISHED' || (status === 'DEAD' && !dead);
            return {
              _id: `${messageKey}/${consumerGroup}`,
              messageKey,
              consumerGroup,
              status: dead ? 'DEAD' : consumed ? 'CONSUMED' : 'UNCONFIRMED',
              consumeCount: dead ? 10 : consumed ? 1 : 0,
              history: [
                { status: 'UNCONFIRMED', at: ms(6) },
                ...(consumed ? [{ status: 'CONSUMED', at: ms(250 + (i % 200)) }] : []),
                ...(dead ? [{ status: 'DEAD', at: ms(60_000), detail: 'connect ECONNREFUSED' }] : []),
              ],
              ...(dead ? { lastError: 'connect ECONNREFUSED 127.0.0.1:1025' } : {}),
              createdAt: ms(6),
              updatedAt: ms(300),
            };
          });
    const userDoc =
      i % 2 === 0
        ? {
            _id: user,
            loginName: `user${registration}`,
            email: `user${registration}@example.test`,
            passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$bench$bench',
            status: 'ENABLED',
            workflowId: `registration-${user}`,
            roleIds: [],
            groupIds: [],
            createdAt: created,
            updatedAt: ms(60_000),
            activatedAt: ms(60_000),
          }
        : undefined;
    return { message, confirms, user: userDoc };
  }

  return { at, key, userId, blockShiftMs, documents };
}

export type Dataset = ReturnType<typeof dataset>;
