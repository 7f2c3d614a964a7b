import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Counter } from 'prom-client';
import type { MailBody } from '../../domain/messaging';
import { Confirm, Message } from '../../domain/models';
import type { MessageDoc } from '../../domain/models/message';
import { resendSignal } from '../../workflows/reliable-message';
import { HttpError } from '../errors';
import type { MessagesQuery, ResendDeadQuery } from '../schemas';

const project = { _id: 0 } as const;

/** `from`/`to` as a createdAt range; a moment without an offset is UTC. */
function createdRange(query: Pick<MessagesQuery, 'from' | 'to'>): { $gte?: Date; $lt?: Date } | undefined {
  if (!query.from && !query.to) return undefined;
  const at = (field: 'from' | 'to', moment: string) => {
    const date = new Date(/T/.test(moment) && !/(Z|[+-]\d\d:?\d\d)$/i.test(moment) ? `${moment}Z` : moment);
    if (Number.isNaN(date.getTime())) throw new HttpError(400, 'VALIDATION_FAILED', `${field}: is not a date`);
    return date;
  };
  return {
    ...(query.from ? { $gte: at('from', query.from) } : {}),
    ...(query.to ? { $lt: at('to', query.to) } : {}),
  };
}

/** The filters a message found another way (by key, or through its confirm) must still match. */
function matches(
  message: Pick<MessageDoc, 'status' | 'topic' | 'userId' | 'createdAt'>,
  query: MessagesQuery,
  created = createdRange(query),
): boolean {
  return (
    (!query.status || message.status === query.status) &&
    (!query.topic || message.topic === query.topic) &&
    (!query.userId || message.userId === query.userId) &&
    (!created?.$gte || message.createdAt >= created.$gte) &&
    (!created?.$lt || message.createdAt < created.$lt)
  );
}

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

const cursorOf = (last: { createdAt: Date; _id: string }) => writeCursor(last.createdAt, last._id);

/** What comes after the cursor's item, newest first. */
function cursorFilter(cursor: string) {
  const { createdAt, key } = readCursor(cursor);
  return { $or: [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: key } }] };
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
    /**
     * Newest first, paged by an opaque cursor (the last item's creation time and key). Each filter is an
     * index prefix (domain/models). With a consumer group the pages are those of its confirms (their
     * creation time and key), and a page holds the messages among them that match the other filters, so
     * it may hold fewer than `limit`; `nextCursor` says whether there is more.
     */
    async list(query: MessagesQuery) {
      const created = createdRange(query);
      const after = query.cursor ? cursorFilter(query.cursor) : {};
      if (query.messageKey) {
        const message = await Message.findOne({ _id: query.messageKey }, project).lean();
        return { items: message && matches(message, query, created) ? [audited(message)] : [], nextCursor: null };
      }
      if (query.consumerGroup) {
        const confirms = await Confirm.find(
          {
            consumerGroup: query.consumerGroup,
            ...(query.status === 'DEAD' ? { status: 'DEAD' } : {}),
            ...(created ? { createdAt: created } : {}),
            ...after,
          },
          { messageKey: 1, createdAt: 1 },
        )
          .sort({ createdAt: -1, _id: -1 })
          .limit(query.limit + 1)
          .lean();
        const page = confirms.slice(0, query.limit);
        // One lookup by _id each: the one kind of query every MongoDB-wire server serves from an index.
        const messages = await Promise.all(page.map((c) => Message.findOne({ _id: c.messageKey }, project).lean()));
        return {
          items: messages.filter((m) => m !== null && matches(m, query)).map((m) => audited(m!)),
          nextCursor: confirms.length > query.limit ? cursorOf(page[page.length - 1]) : null,
        };
      }
      const filter: Record<string, unknown> = { ...after };
      if (query.status) filter.status = query.status;
      if (query.topic) filter.topic = query.topic;
      if (query.userId) filter.userId = query.userId;
      if (created) filter.createdAt = created;
      const docs = await Message.find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .limit(query.limit + 1)
        .lean();
      const page = docs.slice(0, query.limit);
      return {
        items: page.map(({ _id, ...m }) => audited(m)),
        nextCursor: docs.length > query.limit ? cursorOf(page[page.length - 1]) : null,
      };
    },

    /** How many DEAD messages a resend-dead of these filters would take up (served by the status indexes). */
    async countDead(query: Omit<ResendDeadQuery, 'limit'>): Promise<number> {
      if (query.consumerGroup) {
        if (!query.topic) return Confirm.countDocuments({ consumerGroup: query.consumerGroup, status: 'DEAD' });
        const dead = await Confirm.find(
          { consumerGroup: query.consumerGroup, status: 'DEAD' },
          { messageKey: 1 },
        ).lean();
        return Message.countDocuments({
          _id: { $in: dead.map((c) => c.messageKey) },
          status: 'DEAD',
          topic: query.topic,
        });
      }
      return Message.countDocuments({ status: 'DEAD', ...(query.topic ? { topic: query.topic } : {}) });
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
