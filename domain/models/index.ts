export { Confirm, confirmId } from './confirm';
export { Message } from './message';
export { Subscription } from './subscription';
export { User } from './user';
export { UserEvent } from './user-event';

import { Confirm } from './confirm';
import { Message } from './message';
import { Subscription } from './subscription';
import { User } from './user';
import { UserEvent } from './user-event';

/** Creates the unique indexes every idempotent write relies on (mongoose's autoIndex runs in the background). */
export async function ensureIndexes(): Promise<void> {
  await Promise.all([User, Message, Confirm, Subscription, UserEvent].map((m) => m.createIndexes()));
}

export function isDuplicateKeyError(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number }[] };
  return e?.code === 11000 || (e?.writeErrors?.length ? e.writeErrors.every((w) => w.code === 11000) : false);
}
