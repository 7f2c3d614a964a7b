import { model, Schema } from 'mongoose';

/**
 * One document per state change of a message or a confirm, inserted before the change is written: its
 * `_id` (`StateChange.key`) names the change, and the unique `_id` index, which every MongoDB-wire
 * backend enforces (SQLite too), makes the first writer's entry the one entry of that change
 * (docs/audit-trail.md).
 */
export interface AuditTransitionDoc {
  _id: string;
  /** The message the change belongs to (its own or one of its confirms'): retention deletes by it. */
  messageKey: string;
  /** The trail entry, exactly as written into the document's `history`. */
  status: string;
  at: Date;
  detail?: string;
}

const schema = new Schema<AuditTransitionDoc>(
  {
    _id: { type: String, required: true },
    messageKey: { type: String, required: true, index: true },
    status: { type: String, required: true },
    at: { type: Date, required: true },
    detail: String,
  },
  { versionKey: false },
);

export const AuditTransition = model<AuditTransitionDoc>('AuditTransition', schema, 'audit_transitions');

/** A state change to record once: its key, the message it belongs to, and its trail entry's state and detail. */
export interface StateChange {
  key: string;
  messageKey: string;
  status: string;
  detail?: string;
}

/**
 * What tells a legitimate repeat of a state from a racing duplicate of it: e.g. which resend, which
 * consumer group. A change that happens once per document needs none.
 */
type Repeat = (string | number)[];

export function messageChange(messageKey: string, status: string, opts: { detail?: string; repeat?: Repeat } = {}) {
  return change(`message:${messageKey}`, messageKey, status, opts);
}

export function confirmChange(
  messageKey: string,
  consumerGroup: string,
  status: string,
  opts: { detail?: string; repeat?: Repeat } = {},
) {
  return change(`confirm:${messageKey}/${consumerGroup}`, messageKey, status, opts);
}

function change(
  document: string,
  messageKey: string,
  status: string,
  { detail, repeat = [] }: { detail?: string; repeat?: Repeat },
): StateChange {
  return { key: [document, status, ...repeat].join(':'), messageKey, status, ...(detail ? { detail } : {}) };
}
