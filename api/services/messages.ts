import { Types } from 'mongoose';
import { Confirm, Message } from '../../domain/models';
import { HttpError } from '../errors';
import type { MessagesQuery } from '../schemas';

const project = { _id: 0 } as const;

/** The audit trail, newest first, paged by an opaque cursor (the last item's id). */
export async function listMessages(query: MessagesQuery) {
  const filter: Record<string, unknown> = {};
  if (query.status) filter.status = query.status;
  if (query.topic) filter.topic = query.topic;
  if (query.cursor) filter._id = { $lt: new Types.ObjectId(query.cursor) };
  const docs = await Message.find(filter).sort({ _id: -1 }).limit(query.limit + 1).lean();
  const page = docs.slice(0, query.limit);
  return {
    items: page.map(({ _id, ...m }) => m),
    nextCursor: docs.length > query.limit ? String(page[page.length - 1]._id) : null,
  };
}

export async function getMessage(messageKey: string) {
  const message = await Message.findOne({ messageKey }, project).lean();
  if (!message) throw new HttpError(404, 'MESSAGE_NOT_FOUND', `No message ${messageKey}.`);
  const confirms = await Confirm.find({ messageKey }, project).sort({ consumerGroup: 1 }).lean();
  return { ...message, confirms };
}
