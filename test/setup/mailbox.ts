import { eventually } from './http';

/** Reads what the SMTP catcher (maildev) received, through its HTTP API. */
export interface CaughtMail {
  id: string;
  subject: string;
  text?: string;
  html?: string;
  to: { address: string; name?: string }[];
  headers: Record<string, string>;
}

function defaultApiUrl(): string {
  const url = process.env.MAIL_API_URL;
  if (!url) throw new Error('MAIL_API_URL is not set: the tests need a maildev-compatible catcher.');
  return url;
}

export async function listMail(apiUrl = defaultApiUrl()): Promise<CaughtMail[]> {
  const res = await fetch(`${apiUrl}/email`);
  if (!res.ok) throw new Error(`mail API answered ${res.status}`);
  return (await res.json()) as CaughtMail[];
}

export async function mailTo(address: string, apiUrl?: string): Promise<CaughtMail[]> {
  const all = await listMail(apiUrl);
  return all.filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
}

/** Waits until `address` has received at least `count` mails, and returns them. */
export function waitForMail(
  address: string,
  count = 1,
  opts: { apiUrl?: string; timeoutMs?: number } = {},
): Promise<CaughtMail[]> {
  return eventually(
    async () => {
      const mails = await mailTo(address, opts.apiUrl);
      return mails.length >= count && mails;
    },
    `${count} mail(s) to ${address}`,
    opts.timeoutMs ?? 30_000,
  );
}
