import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';

/** Pooled SMTP; its timeouts stay well inside one delivery attempt (DELIVERY_ATTEMPT_TIMEOUT_MS). */
export function createMailer(smtpUrl: string): Transporter {
  const options = {
    url: smtpUrl,
    pool: true,
    maxConnections: 4,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 8_000,
  };
  return nodemailer.createTransport(options as SMTPPool.Options);
}
