import { z } from 'zod';
import { MESSAGE_STATUSES } from '../domain/messaging';

/** Request schemas: the single source of what the API accepts. */
export const registerBody = z.strictObject({
  loginName: z
    .string()
    .min(3)
    .max(32)
    .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"'),
  email: z.email().max(254),
  password: z.string().min(8).max(128),
  mobileNo: z
    .string()
    .regex(/^[0-9]{5,20}$/, 'must be 5 to 20 digits')
    .optional(),
});
export type RegisterBody = z.infer<typeof registerBody>;

export const tokenParams = z.object({ token: z.string().max(256) });

export const userIdParams = z.object({ userId: z.string().min(1).max(64) });

export const messagesQuery = z.strictObject({
  status: z.enum(MESSAGE_STATUSES).optional(),
  topic: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^[0-9a-f]{24}$/, 'is not a cursor this API returned').optional(),
});
export type MessagesQuery = z.infer<typeof messagesQuery>;

export const messageKeyParams = z.object({ messageKey: z.string().min(1).max(128) });

export const resendDeadQuery = z.strictObject({
  topic: z.string().min(1).max(128).optional(),
  consumerGroup: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ResendDeadQuery = z.infer<typeof resendDeadQuery>;

export const resendActivationBody = z.strictObject({ email: z.email().max(254) });

const base64 = z.string().max(1_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
export const codecBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(1000),
});
