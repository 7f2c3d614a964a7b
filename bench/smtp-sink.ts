import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * The benchmark's own SMTP server: it notes the moment each mail is accepted, precisely, without
 * polling a catcher (which would steal CPU from what is measured).
 */
export class SmtpSink {
  private readonly arrivals = new Map<string, number[]>();
  /** Raw mails, parsed only when a text is asked for, so the sink takes little CPU from what is measured. */
  private readonly raws = new Map<string, Buffer[]>();
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const at = performance.now();
        const raw = Buffer.concat(chunks);
        for (const rcpt of session.envelope.rcptTo) {
          const address = rcpt.address.toLowerCase();
          this.arrivals.set(address, [...(this.arrivals.get(address) ?? []), at]);
          this.raws.set(address, [...(this.raws.get(address) ?? []), raw]);
        }
        callback();
      });
    },
  });

  listen(port: number): Promise<void> {
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  arrivalsFor(address: string): number[] {
    return this.arrivals.get(address.toLowerCase()) ?? [];
  }

  async textsFor(address: string): Promise<string[]> {
    const raws = this.raws.get(address.toLowerCase()) ?? [];
    return Promise.all(raws.map(async (raw) => (await simpleParser(raw)).text ?? ''));
  }

  async waitFor(addresses: string[], perAddress: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = () => addresses.filter((a) => this.arrivalsFor(a).length < perAddress);
    while (pending().length > 0) {
      if (Date.now() > deadline)
        throw new Error(`${pending().length} of ${addresses.length} addresses are still waiting for mail`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
