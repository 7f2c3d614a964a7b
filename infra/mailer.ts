import nodemailer, { type Transporter } from 'nodemailer';

export function createMailer(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl, { pool: true, maxConnections: 4, connectionTimeout: 10_000, socketTimeout: 20_000 });
}
