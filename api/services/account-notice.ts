import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import { accountNotice } from '../../workflows/account-notice';
import { accountNoticeWorkflowId } from './workflow-ids';

/**
 * Tells the owner of an address that someone tried to register it again. The flow of an earlier attempt
 * within the rate-limit window is still running under the same id and is used as it is (USE_EXISTING),
 * so however many attempts there are, the address gets at most one notice per window.
 */
export function createAccountNotices(deps: { client: Client; config: Config }) {
  const { client, config } = deps;
  return async (owner: { userId: string; loginName: string; email: string; locale?: string }): Promise<void> => {
    await client.workflow.start(accountNotice, {
      workflowId: accountNoticeWorkflowId(owner.email),
      taskQueue: config.temporal.taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [
        {
          ...owner,
          windowSeconds: config.registration.noticeWindowSeconds,
          deliveryMaxAttempts: config.delivery.maxAttempts,
          deliveryPickupTimeoutSeconds: config.delivery.pickupTimeoutSeconds,
        },
      ],
    });
  };
}
