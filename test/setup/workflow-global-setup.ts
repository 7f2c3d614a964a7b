/**
 * The workflow layer: the time-skipping test server's binary (installed by the stack's installer) and the
 * workflow bundle. No server is started here; each test starts its own time-skipping server.
 */
import { installStack } from '../../stack/install';
import { binaries } from '../../stack/paths';
import { ensureWorkflowBundle } from './workflow-bundle';

export default function workflowGlobalSetup(): void {
  installStack();
  ensureWorkflowBundle();
  process.env.TEMPORAL_TEST_SERVER_PATH ??= binaries.temporalTestServer();
}
