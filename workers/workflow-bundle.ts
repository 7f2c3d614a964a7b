import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const workflowsPath = require.resolve('../workflows');
const failureConverterPath = require.resolve('../infra/failure-converter');
/** The workflows' part of a trace (workflows/tracing.ts), in every bundle: the worker may or may not export it. */
const workflowInterceptorModules = [require.resolve('../workflows/tracing')];

/** Where `npm run build` writes the bundle: `dist/workflow-bundle.js`, beside the built worker's folder. */
const builtBundlePath = join(__dirname, '..', 'workflow-bundle.js');

/** The workflow code as one bundle, with the failure converter the data converter names. */
export async function buildWorkflowBundle(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    failureConverterPath,
    workflowInterceptorModules,
    logger: undefined,
  });
  return code;
}

/**
 * The workflow code the worker runs: a bundle built beforehand (`WORKFLOW_BUNDLE_PATH`, written by
 * `npm start`, or the one `npm run build` put beside the built worker), which spares the worker the
 * bundler's time and memory. Only outside production may the worker bundle the workflows itself.
 */
export function workflowCode(
  env: NodeJS.ProcessEnv = process.env,
): { workflowBundle: WorkflowBundleOption } | { workflowsPath: string } {
  const path = env.WORKFLOW_BUNDLE_PATH || builtBundlePath;
  if (existsSync(path)) return { workflowBundle: { codePath: path } };
  if (env.NODE_ENV === 'production') {
    throw new Error(`No workflow bundle at ${path}: run \`npm run build\` (production never bundles at start).`);
  }
  return { workflowsPath };
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: workflow-bundle.js <output file>');
  void buildWorkflowBundle().then((code) => writeFileSync(out, code));
}
