/** BOUNCED: the activation mail bounced or was complained about; like EXPIRED, the address and login name are free again. */
export const USER_STATUSES = ['DISABLED', 'ENABLED', 'EXPIRED', 'BOUNCED'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** paascloud binds every activated user to role 10000 (plain user) and the default group. */
export const DEFAULT_ROLE_ID = '10000';
export const DEFAULT_GROUP_ID = 'default';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function normaliseLoginName(loginName: string): string {
  return loginName.trim().toLowerCase();
}
