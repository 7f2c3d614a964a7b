import { defineSignal } from '@temporalio/workflow';

/**
 * A provider reported that a mail the workflow sent bounced for good or was complained about
 * (api/services/mail-outcomes.ts). The workflow id names the address's latest registration, which may be
 * a newer one than the mail's: the message key tells whether the mail is its own.
 */
export interface MailRefused {
  messageKey: string;
  outcome: 'BOUNCED' | 'COMPLAINED';
}

export const mailRefusedSignal = defineSignal<[MailRefused]>('mailRefused');
