import { Schema } from 'mongoose';

/** One entry per state change, so the audit trail shows when each step happened. */
const historyEntry = new Schema({ status: String, at: Date, detail: String }, { _id: false });

/** What messages and confirms both keep: the last error and the trail of their states. */
export interface AuditTrail {
  lastError?: string;
  history: { status: string; at: Date; detail?: string }[];
  createdAt: Date;
  updatedAt: Date;
}

/** The schema fields of an AuditTrail (the timestamps come from the schema's `timestamps` option). */
export const auditTrailFields = {
  lastError: String,
  history: { type: [historyEntry], default: [] },
};

export function historyPush(status: string, detail?: string) {
  return { history: { status, at: new Date(), ...(detail ? { detail } : {}) } };
}
