import { ApplicationFailure } from '@temporalio/activity';
import { isDuplicateKeyError, User } from '../domain/models';
import { is, transition } from '../domain/models/transition';
import { DEFAULT_GROUP_ID, DEFAULT_ROLE_ID } from '../domain/users';

export interface NewUser {
  userId: string;
  loginName: string;
  email: string;
  passwordHash: string;
  mobileNo?: string;
  workflowId: string;
}

/** The local transactions of the user service (paascloud's UAC). Each is safe to repeat. */
export function createUserActivities() {
  return {
    /** Saves the DISABLED user; a taken e-mail or login name fails for good, with a stable type. */
    async saveUser(user: NewUser): Promise<void> {
      try {
        await User.create({
          _id: user.userId,
          loginName: user.loginName,
          email: user.email,
          passwordHash: user.passwordHash,
          mobileNo: user.mobileNo,
          workflowId: user.workflowId,
          status: 'DISABLED',
        });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        if (await User.exists({ _id: user.userId })) return; // saved by an earlier attempt
        if (await User.exists({ email: user.email })) {
          throw ApplicationFailure.create({ type: 'EMAIL_TAKEN', message: 'This e-mail address is already registered.', nonRetryable: true });
        }
        throw ApplicationFailure.create({ type: 'LOGIN_NAME_TAKEN', message: 'This login name is already taken.', nonRetryable: true });
      }
    },

    /** ENABLED, bound to the default role and group (paascloud's activeUser). */
    async enableUser({ userId }: { userId: string }): Promise<void> {
      await transition(User, userId, is('DISABLED'), {
        $set: { status: 'ENABLED', activatedAt: new Date() },
        $addToSet: { roleIds: DEFAULT_ROLE_ID, groupIds: DEFAULT_GROUP_ID },
      });
    },

    /** EXPIRED, and the e-mail and login name released so that they can register again. */
    async expireUser({ userId }: { userId: string }): Promise<void> {
      const user = await User.findById(userId, { email: 1, loginName: 1, status: 1 }).lean();
      if (user?.status !== 'DISABLED') return;
      await User.updateOne(
        { _id: userId },
        {
          $set: {
            status: 'EXPIRED',
            expiredAt: new Date(),
            released: { email: user.email, loginName: user.loginName },
            email: `${userId}@expired.invalid`,
            loginName: `expired-${userId}`,
          },
        },
      );
    },
  };
}
