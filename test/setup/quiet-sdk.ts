import { DefaultLogger, Runtime } from '@temporalio/worker';

// Keeps the SDK's worker lifecycle and bundling chatter out of the test output; warnings still show.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed by an earlier test file in this jest worker
}
