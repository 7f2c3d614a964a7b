export { AuditTransition } from './audit-transition';
export { Confirm, confirmId } from './confirm';
export { isDuplicateKeyError } from './duplicate-key';
export { MailEventRecord } from './mail-event';
export { Message } from './message';
export { Subscription } from './subscription';
export { Suppression } from './suppression';
export { User } from './user';
export { UserEvent } from './user-event';

import { AuditTransition } from './audit-transition';
import { Confirm } from './confirm';
import { MailEventRecord } from './mail-event';
import { Message } from './message';
import { Subscription } from './subscription';
import { Suppression } from './suppression';
import { User } from './user';
import { UserEvent } from './user-event';

/** Creates the unique indexes every idempotent write relies on (mongoose's autoIndex runs in the background). */
export async function ensureIndexes(): Promise<void> {
  await Promise.all(
    [User, Message, Confirm, Subscription, UserEvent, AuditTransition, MailEventRecord, Suppression].map((m) =>
      m.createIndexes(),
    ),
  );
}
