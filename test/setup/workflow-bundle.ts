import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildWorkflowBundle } from '../../stack/apps';

/**
 * The workflow code, bundled once per `npm test` for every layer that runs it (workflow tests, replay,
 * the integration tests' workers); the first global setup that needs it builds it.
 */
export function ensureWorkflowBundle(): string {
  if (process.env.WORKFLOW_BUNDLE_PATH) return process.env.WORKFLOW_BUNDLE_PATH;
  const bundle = join(mkdtempSync(join(tmpdir(), 'reliable-signup-bundle-')), 'workflow-bundle.js');
  buildWorkflowBundle(bundle);
  process.env.WORKFLOW_BUNDLE_PATH = bundle;
  process.env.TEST_WORKFLOW_BUNDLE_DIR = dirname(bundle);
  return bundle;
}

/** Removes the bundle `ensureWorkflowBundle` built, if it built one (every layer's teardown calls this). */
export function removeWorkflowBundle(): void {
  const dir = process.env.TEST_WORKFLOW_BUNDLE_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** In a test: the bundle the global setup built. */
export function workflowBundlePath(): string {
  const path = process.env.WORKFLOW_BUNDLE_PATH;
  if (!path) throw new Error('WORKFLOW_BUNDLE_PATH is not set: run the tests through `npm test`.');
  return path;
}
