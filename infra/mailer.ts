import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';

export function createMailer(smtpUrl: string): Transporter {
  const options = { url: smtpUrl, pool: true, maxConnections: 4, connectionTimeout: 10_000, socketTimeout: 20_000 };
  return nodemailer.createTransport(options as SMTPPool.Options);
}
