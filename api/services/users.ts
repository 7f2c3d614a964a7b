import {
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import { User } from '../../domain/models';
import { TraceId } from '../../domain/search-attributes';
import type { UserDoc } from '../../domain/models/user';
import { normaliseEmail } from '../../domain/users';
import {
  activationWindowQuery,
  stageQuery,
  type ActivationWindow,
  type RegistrationStage,
} from '../../workflows/registration';
import { HttpError } from '../errors';

export interface UserView {
  userId: string;
  loginName: string;
  email: string;
  status: string;
  createdAt: Date;
  activatedAt?: Date;
}

export interface UserRegistrationView extends UserView {
  workflowId: string;
  stage: RegistrationStage;
  /** Where its activation window stands, as its workflow tells (absent when the workflow cannot be asked). */
  activation?: ActivationWindowView;
  /** The trace the registration started in, when it was traced (its workflow's TraceId search attribute). */
  traceId?: string;
}

/** The workflow's ActivationWindow, its times as dates. */
export type ActivationWindowView = { [K in keyof ActivationWindow]?: Date };

/** A user as the API shows it: never the password hash; an expired one under the e-mail it was registered with. */
function view(user: UserDoc): UserView {
  return {
    userId: user._id,
    loginName: user.released?.loginName ?? user.loginName,
    email: user.released?.email ?? user.email,
    status: user.status,
    createdAt: user.createdAt,
    ...(user.activatedAt ? { activatedAt: user.activatedAt } : {}),
  };
}

/** Users for operators: by id, or by the address they registered with, with their registration's stage. */
export function createUserService(deps: { client: Client }) {
  /** The registration's workflow as Temporal describes it: its status and search attributes; none when gone. */
  async function describe(handle: WorkflowHandle): Promise<WorkflowExecutionDescription | undefined> {
    try {
      return await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * A pending registration's stage comes from its running workflow (REGISTERING, AWAITING_ACTIVATION,
   * ACTIVATING); ENABLED and EXPIRED are final and are the user's status. A pending user whose workflow
   * no longer runs (terminated by hand) is shown as awaiting activation, as its record says.
   */
  async function stageOf(
    user: UserDoc,
    handle: WorkflowHandle,
    description: WorkflowExecutionDescription | undefined,
  ): Promise<RegistrationStage> {
    if (user.status !== 'DISABLED') return user.status;
    if (description?.status.name !== 'RUNNING') return 'AWAITING_ACTIVATION';
    try {
      return await handle.query(stageQuery);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      return 'AWAITING_ACTIVATION';
    }
  }

  /**
   * The activation window as the registration's workflow keeps it, running or (within Temporal's
   * retention) closed; nothing when it cannot be asked: gone, or started before it kept one.
   */
  async function activationOf(handle: WorkflowHandle): Promise<ActivationWindowView | undefined> {
    let window: ActivationWindow;
    try {
      window = await handle.query(activationWindowQuery);
    } catch {
      return undefined;
    }
    return Object.fromEntries(
      Object.entries(window)
        .filter(([, ms]) => typeof ms === 'number')
        .map(([key, ms]) => [key, new Date(ms as number)]),
    );
  }

  return {
    async get(userId: string): Promise<UserView> {
      const user = await User.findById(userId).lean();
      if (!user) throw new HttpError(404, 'USER_NOT_FOUND', `No user ${userId}.`);
      return view(user);
    },

    /** The account holding the address, or else its latest registration that expired. */
    async findByEmail(email: string): Promise<UserRegistrationView> {
      const normalised = normaliseEmail(email);
      const user =
        (await User.findOne({ email: normalised }).lean()) ??
        (await User.findOne({ 'released.email': normalised }).sort({ createdAt: -1 }).lean());
      if (!user) throw new HttpError(404, 'USER_NOT_FOUND', 'No user registered with this e-mail address.');
      const handle = deps.client.workflow.getHandle(user.workflowId);
      // One describe serves the stage and the trace id; the window's query runs beside it.
      const [description, activation] = await Promise.all([describe(handle), activationOf(handle)]);
      const stage = await stageOf(user, handle, description);
      const traceId = description?.typedSearchAttributes.get(TraceId);
      return {
        ...view(user),
        workflowId: user.workflowId,
        stage,
        ...(activation && { activation }),
        ...(traceId ? { traceId } : {}),
      };
    },
  };
}
