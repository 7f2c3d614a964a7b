import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Counter } from 'prom-client';
import type { MailBody } from '../../domain/messaging';
import { Confirm, Message } from '../../domain/models';
import { resendSignal } from '../../workflows/reliable-message';
import { HttpError } from '../errors';
import type { MessagesQuery, ResendDeadQuery } from '../schemas';

const project = { _id: 0 } as const;

/**
 * A message as the audit trail shows it: without the token salt in its body, from which, with the
 * server secret, the activation token could be derived.
 */
function audited<M extends { body: MailBody }>(message: M): Omit<M, 'body'> & { body: Omit<MailBody, 'tokenSalt'> } {
  const { tokenSalt: _salt, ...body } = message.body;
  return { ...message, body };
}

/** Where a page ends (its last item's creation time and key), in the form CURSOR_PATTERN documents. */
const writeCursor = (createdAt: Date, key: string) =>
  `${createdAt.getTime()}.${Buffer.from(key).toString('base64url')}`;

/** Any text of the documented form is a place to page from (schemas.ts has checked the form). */
function readCursor(cursor: string): { createdAt: Date; key: string } {
  const [ms, key] = cursor.split('.');
  return { createdAt: new Date(Number(ms)), key: Buffer.from(key, 'base64url').toString() };
}

/** The audit trail and the operator's resends (roncoo-pay's reSendMessageByMessageId / reSendAllDeadMessageByQueueName). */
export function createMessageService(deps: { client: Client; resent: Counter<'via'> }) {
  /** Signals the message's flow to resend it; false when that flow no longer runs (terminated by hand, say). */
  const signalResend = async (workflowId: string, messageKey: string): Promise<boolean> => {
    try {
      await deps.client.workflow.getHandle(workflowId).signal(resendSignal, { messageKey });
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };

  return {
    /** Newest first, paged by an opaque cursor (the last item's creation time and key). */
    async list(query: MessagesQuery) {
      const filter: Record<string, unknown> = {};
      if (query.status) filter.status = query.status;
      if (query.topic) filter.topic = query.topic;
      if (query.cursor) {
        const { createdAt, key } = readCursor(query.cursor);
        filter.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: key } }];
      }
      const docs = await Message.find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .limit(query.limit + 1)
        .lean();
      const page = docs.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(({ _id, ...m }) => audited(m)),
        nextCursor: docs.length > query.limit ? writeCursor(last.createdAt, last._id) : null,
      };
    },

    async get(messageKey: string) {
      const message = await Message.findOne({ _id: messageKey }, project).lean();
      if (!message) throw new HttpError(404, 'MESSAGE_NOT_FOUND', `No message ${messageKey}.`);
      const confirms = await Confirm.find({ messageKey }, project).sort({ consumerGroup: 1 }).lean();
      return { ...audited(message), confirms };
    },

    /** Sends one DEAD message again: its workflow is waiting for exactly this signal. */
    async resend(messageKey: string) {
      const message = await Message.findOne({ _id: messageKey }, { status: 1, workflowId: 1 }).lean();
      if (!message) throw new HttpError(404, 'MESSAGE_NOT_FOUND', `No message ${messageKey}.`);
      if (message.status !== 'DEAD') {
        throw new HttpError(
          409,
          'MESSAGE_NOT_DEAD',
          `Message ${messageKey} is ${message.status}; only DEAD messages are resent.`,
        );
      }
      if (!(await signalResend(message.workflowId, messageKey))) {
        throw new HttpError(
          409,
          'FLOW_NOT_RUNNING',
          `Message ${messageKey} cannot be resent: its workflow ${message.workflowId} no longer runs.`,
        );
      }
      deps.resent.inc({ via: 'message' });
      return { messageKey, resent: true as const };
    },

    /** Sends every DEAD message of a topic (and consumer group) again, oldest first, up to `limit`. */
    async resendDead(query: ResendDeadQuery) {
      const filter: Record<string, unknown> = { status: 'DEAD' };
      if (query.topic) filter.topic = query.topic;
      if (query.consumerGroup) {
        const dead = await Confirm.find(
          { consumerGroup: query.consumerGroup, status: 'DEAD' },
          { messageKey: 1 },
        ).lean();
        filter._id = { $in: dead.map((c) => c.messageKey) };
      }
      const messages = await Message.find(filter, { messageKey: 1, workflowId: 1 })
        .sort({ createdAt: 1 })
        .limit(query.limit)
        .lean();
      // A message whose flow no longer runs cannot be resent: it is left out of the answer.
      const signalled = await Promise.all(messages.map((m) => signalResend(m.workflowId, m.messageKey)));
      const messageKeys = messages.filter((_m, i) => signalled[i]).map((m) => m.messageKey);
      deps.resent.inc({ via: 'resend-dead' }, messageKeys.length);
      return { resent: messageKeys.length, messageKeys };
    },
  };
}
