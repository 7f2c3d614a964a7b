import { createHash } from 'node:crypto';
import { normaliseEmail } from '../../domain/users';

/** The part of an id derived from an address: a hash, so the address itself is not shown in the Web UI. */
export function emailHash(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('hex').slice(0, 32);
}

/** One registration per e-mail at a time. */
export function registrationWorkflowId(email: string): string {
  return `registration-${emailHash(email)}`;
}

/** One notice flow per address at a time, named by a hash so the address does not show in the Web UI. */
export function accountNoticeWorkflowId(email: string): string {
  return `account-notice-${emailHash(email)}`;
}
