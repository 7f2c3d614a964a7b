import { Schema } from 'mongoose';

/** One entry per state change, so the audit trail shows when each step happened. */
export const historyEntry = new Schema({ status: String, at: Date, detail: String }, { _id: false });

export function historyPush(status: string, detail?: string) {
  return { history: { status, at: new Date(), ...(detail ? { detail } : {}) } };
}
