import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * The benchmark's own SMTP server: it notes the moment each mail is accepted, precisely, without
 * polling a catcher (which would steal CPU from what is measured).
 */
export class SmtpSink {
  private readonly arrivals = new Map<string, number[]>();
  private readonly texts = new Map<string, string[]>();
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
          void simpleParser(raw).then((mail) => this.texts.set(address, [...(this.texts.get(address) ?? []), mail.text ?? '']));
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

  textsFor(address: string): string[] {
    return this.texts.get(address.toLowerCase()) ?? [];
  }

  async waitFor(addresses: string[], perAddress: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = () => addresses.filter((a) => this.arrivalsFor(a).length < perAddress || this.textsFor(a).length < perAddress);
    while (pending().length > 0) {
      if (Date.now() > deadline) throw new Error(`${pending().length} of ${addresses.length} addresses are still waiting for mail`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
