/**
 * What an applied provider event did to the flow (api/services/mail-outcomes.ts), the `outcome` label of
 * `reliable_signup_mail_outcomes_total`: the bounce and complaint rates are these over the mails sent.
 */
export const MAIL_OUTCOMES = [
  'hard-bounce',
  'soft-bounces-as-hard',
  'complaint',
  'soft-bounce',
  'delay',
  'delivery',
] as const;
export type MailOutcomeKind = (typeof MAIL_OUTCOMES)[number];
