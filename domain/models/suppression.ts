import { model, Schema } from 'mongoose';
import type { MailEventProvider } from '../mail-events';

/** Why an address takes no more mail. */
export const SUPPRESSION_REASONS = ['hard-bounce', 'complaint', 'soft-bounces'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/**
 * An address every later mail is refused to before any SMTP traffic (`suppressions`): one entry per
 * address (normalised), its `_id`, with the event that put it there.
 */
export interface SuppressionDoc {
  _id: string;
  email: string;
  reason: SuppressionReason;
  /** The provider event that put the address here. */
  event: { provider: MailEventProvider; eventId: string; messageKey?: string; diagnostic?: string };
  at: Date;
}

const schema = new Schema<SuppressionDoc>(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true },
    reason: { type: String, enum: SUPPRESSION_REASONS, required: true },
    event: {
      provider: { type: String, required: true },
      eventId: { type: String, required: true },
      messageKey: String,
      diagnostic: String,
    },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
// The console's and the admin API's list, newest first.
schema.index({ at: -1, _id: 1 });

export const Suppression = model<SuppressionDoc>('Suppression', schema, 'suppressions');
