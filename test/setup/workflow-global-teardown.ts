import { removeWorkflowBundle } from './workflow-bundle';

export default function workflowGlobalTeardown(): void {
  removeWorkflowBundle();
}
