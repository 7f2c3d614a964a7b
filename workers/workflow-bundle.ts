import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import { existsSync, writeFileSync } from 'node:fs';

const workflowsPath = require.resolve('../workflows');
const failureConverterPath = require.resolve('../infra/failure-converter');

/** The workflow code as one bundle, with the failure converter the data converter names. */
export async function buildWorkflowBundle(): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: undefined });
  return code;
}

/**
 * A bundle built beforehand (`WORKFLOW_BUNDLE_PATH`, written by `npm start`) spares the worker the
 * bundler's memory peak; without one the worker bundles the workflows itself.
 */
export function workflowCode(): { workflowBundle: WorkflowBundleOption } | { workflowsPath: string } {
  const path = process.env.WORKFLOW_BUNDLE_PATH;
  return path && existsSync(path) ? { workflowBundle: { codePath: path } } : { workflowsPath };
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: workflow-bundle.ts <output file>');
  void buildWorkflowBundle().then((code) => writeFileSync(out, code));
}
