import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installStack } from '../stack/install';
import { freePort } from '../stack/ports';
import { startStack } from '../stack/supervisor';
import { SmtpSink } from './smtp-sink';

/**
 * The servers a bench runs against, as `npm start` runs them but on free ports in a throw-away data
 * directory, with the bench's own SMTP server (which notes when each mail arrives) instead of maildev.
 */
export async function startBenchStack(name: string) {
  installStack();
  const dataDir = mkdtempSync(join(tmpdir(), `reliable-signup-${name}-`));
  const sink = new SmtpSink();
  const smtpPort = await freePort();
  await sink.listen(smtpPort);
  const ports = {
    temporal: await freePort(),
    temporalUi: await freePort(),
    mongodb: await freePort(),
    redis: await freePort(),
    smtp: 0,
    smtpWeb: 0,
  };
  const stack = await startStack({
    dataDir,
    ports,
    given: { ...process.env, SMTP_URL: `smtp://127.0.0.1:${smtpPort}` },
  });
  return { dataDir, sink, stack };
}
