import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { Config } from '../config';

/**
 * Pooled SMTP; its timeouts stay well inside one delivery attempt (DELIVERY_ATTEMPT_TIMEOUT_MS). With
 * `dkim`, every mail is signed (DKIM-Signature) with the domain's key before it leaves.
 */
export function createMailer(smtpUrl: string, dkim?: Config['dkim']): Transporter {
  const options = {
    url: smtpUrl,
    ...(dkim ? { dkim } : {}),
    pool: true,
    maxConnections: 4,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 8_000,
  };
  return nodemailer.createTransport(options as SMTPPool.Options);
}
