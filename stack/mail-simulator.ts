/**
 * The mail server of `npm start` answers like Amazon SES's mailbox simulator: a mail to an address at
 * `bounce.test` gets a hard bounce, at `complaint.test` a complaint, at `delay.test` a delay, each posted,
 * signed, to the generic webhook (POST /webhooks/mail-events/generic) a few seconds after maildev accepted
 * the mail. It reads maildev's /email API; mails to any other address are left alone.
 */
import { randomUUID } from 'node:crypto';
import { signGeneric } from '../api/webhooks/generic';

/** What each simulated domain reports. */
const OUTCOMES: Record<string, { type: string; bounceType?: 'hard'; diagnostic: string }> = {
  'bounce.test': { type: 'bounce', bounceType: 'hard', diagnostic: '550 5.1.1 The mailbox does not exist (simulated)' },
  'complaint.test': { type: 'complaint', diagnostic: 'The recipient marked the mail as spam (simulated)' },
  'delay.test': { type: 'delay', diagnostic: '421 4.4.1 The mailbox is busy, trying again later (simulated)' },
};

interface CaughtMail {
  id: string;
  time?: string;
  to?: { address: string }[];
  headers?: Record<string, string>;
}

export interface MailSimulatorOptions {
  /** maildev's web address (MAIL_API_URL). */
  mailApiUrl: string;
  /** The API's generic webhook. */
  webhookUrl: string;
  /** MAIL_EVENTS_GENERIC_SECRET. */
  secret: string;
  /** How long after its acceptance a mail's event is posted. */
  delayMs: number;
  pollMs?: number;
  log?: (line: string) => void;
}

/** Starts polling; mails maildev received before the start are not answered. */
export function startMailSimulator(options: MailSimulatorOptions): { stop(): void } {
  const { mailApiUrl, webhookUrl, secret, delayMs, pollMs = 1000, log = () => undefined } = options;
  const startedAt = Date.now();
  const seen = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const post = async (mail: CaughtMail, recipient: string, outcome: (typeof OUTCOMES)[string]) => {
    const body = JSON.stringify({
      id: `simulated:${mail.id}:${recipient}`,
      ...outcome,
      messageId: mail.headers?.['message-id'] ?? `<${randomUUID()}@simulator>`,
      recipient,
      at: new Date().toISOString(),
    });
    try {
      const res = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': signGeneric(secret, body) },
        body,
      });
      log(`${outcome.type} for ${recipient}: the webhook answered ${res.status}`);
    } catch (err) {
      log(`${outcome.type} for ${recipient}: the webhook could not be reached (${(err as Error).message})`);
    }
  };

  const poll = async () => {
    let mails: CaughtMail[];
    try {
      const res = await fetch(`${mailApiUrl}/email`);
      if (!res.ok) return;
      mails = (await res.json()) as CaughtMail[];
    } catch {
      return; // maildev restarting: the next poll sees the mails
    }
    for (const mail of mails) {
      if (seen.has(mail.id)) continue;
      seen.add(mail.id);
      // maildev's time is the mail's Date header, to the second.
      if (mail.time && Date.parse(mail.time) < startedAt - 2000) continue;
      for (const { address } of mail.to ?? []) {
        const outcome = OUTCOMES[address.split('@')[1]?.toLowerCase() ?? ''];
        if (!outcome || stopped) continue;
        const timer = setTimeout(() => {
          timers.delete(timer);
          void post(mail, address, outcome);
        }, delayMs);
        timers.add(timer);
      }
    }
  };

  let polling = false;
  const interval = setInterval(() => {
    if (polling) return;
    polling = true;
    void poll().finally(() => (polling = false));
  }, pollMs);
  return {
    stop() {
      stopped = true;
      clearInterval(interval);
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
