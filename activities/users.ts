import { ApplicationFailure } from '@temporalio/activity';
import { isDuplicateKeyError, User } from '../domain/models';
import { is, transition } from '../domain/models/transition';
import { DEFAULT_GROUP_ID, DEFAULT_ROLE_ID } from '../domain/users';
import type { ActivationTokens } from './tokens';

export interface NewUser {
  userId: string;
  loginName: string;
  email: string;
  passwordHash: string;
  mobileNo?: string;
  workflowId: string;
  /** The registration's locale, for the mails to this account's owner later (the notice). */
  locale?: string;
}

/** What a refused save knows of a taken address. */
export interface EmailTakenByHolder {
  loginNameTaken: boolean;
}

export interface NewRegistration extends NewUser {
  /** The activation token is derived from it (see domain/tokens). */
  tokenSalt: string;
  tokenTtlSeconds: number;
}

/**
 * The local transactions of the user service (paascloud's UAC): the user in MongoDB and its activation
 * token in Redis. Each is safe to repeat.
 */
export function createUserActivities(tokens: ActivationTokens) {
  async function insertUser(user: NewUser): Promise<void> {
    try {
      await User.create({
        _id: user.userId,
        loginName: user.loginName,
        email: user.email,
        passwordHash: user.passwordHash,
        mobileNo: user.mobileNo,
        workflowId: user.workflowId,
        ...(user.locale ? { locale: user.locale } : {}),
        status: 'DISABLED',
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // What collided, and whether the login name is taken too (the API's answer to a taken address
      // depends on it): three lookups by a unique field, each an index seek.
      const holders = (
        await Promise.all([
          User.findById(user.userId, { email: 1, loginName: 1 }).lean(),
          User.findOne({ email: user.email }, { email: 1, loginName: 1 }).lean(),
          User.findOne({ loginName: user.loginName }, { email: 1, loginName: 1 }).lean(),
        ])
      ).filter((h) => h !== null);
      if (holders.some((h) => h._id === user.userId)) return; // saved by an earlier attempt
      const loginNameTaken = holders.some((h) => h.loginName === user.loginName);
      if (holders.some((h) => h.email === user.email)) {
        const details: EmailTakenByHolder = { loginNameTaken };
        throw ApplicationFailure.create({
          type: 'EMAIL_TAKEN',
          message: 'This e-mail address is already registered.',
          nonRetryable: true,
          details: [details],
        });
      }
      if (loginNameTaken) {
        throw ApplicationFailure.create({
          type: 'LOGIN_NAME_TAKEN',
          message: 'This login name is already taken.',
          nonRetryable: true,
        });
      }
      // The holder went (an expired registration released its address) between the insert and the read.
      throw new Error('The user collided with one that is gone now: saving it again.', { cause: err });
    }
  }

  /** A pending user that will never be activated: its address and login name free again, its token gone. */
  async function release(userId: string, status: 'EXPIRED' | 'BOUNCED'): Promise<void> {
    await tokens.revoke(userId);
    const user = await User.findById(userId, { email: 1, loginName: 1, status: 1 }).lean();
    if (user?.status !== 'DISABLED') return;
    await User.updateOne(
      { _id: userId },
      {
        $set: {
          status,
          expiredAt: new Date(),
          released: { email: user.email, loginName: user.loginName },
          email: `${userId}@expired.invalid`,
          loginName: `expired-${userId}`,
        },
      },
    );
  }

  return {
    /**
     * Saves the DISABLED user and issues its activation token; a taken e-mail or login name fails for
     * good, with a stable type, before any token exists.
     */
    async saveUser(registration: NewRegistration): Promise<{ tokenCheck: string }> {
      const { tokenSalt, tokenTtlSeconds, ...user } = registration;
      await insertUser(user);
      return tokens.issue({
        userId: user.userId,
        workflowId: user.workflowId,
        tokenSalt,
        ttlSeconds: tokenTtlSeconds,
        email: user.email,
      });
    },

    /**
     * A newer registration of a pending user's address takes its place: its login name and password, and
     * a new token (the previous one stops working). Refused for good when the login name is somebody
     * else's, or when the user is no longer pending. Safe to repeat.
     */
    async replaceRegistrant(registration: NewRegistration): Promise<{ tokenCheck: string }> {
      const { userId, loginName, passwordHash, mobileNo, workflowId, tokenSalt, tokenTtlSeconds, email } = registration;
      try {
        const { matchedCount } = await User.updateOne(
          { _id: userId, status: 'DISABLED' },
          mobileNo === undefined
            ? { $set: { loginName, passwordHash }, $unset: { mobileNo: 1 } }
            : { $set: { loginName, passwordHash, mobileNo } },
        );
        if (matchedCount === 0) {
          throw ApplicationFailure.create({
            type: 'REGISTRATION_CLOSING',
            message: 'The registration of this e-mail is no longer pending.',
            nonRetryable: true,
          });
        }
      } catch (err) {
        // MongoDB says E11000; FerretDB on SQLite a constraint failure of its own: ask who holds the name.
        const taken = isDuplicateKeyError(err) || (await User.exists({ loginName, _id: { $ne: userId } })) !== null;
        if (!taken) throw err;
        throw ApplicationFailure.create({
          type: 'LOGIN_NAME_TAKEN',
          message: 'This login name is already taken.',
          nonRetryable: true,
        });
      }
      return tokens.issue({ userId, workflowId, tokenSalt, ttlSeconds: tokenTtlSeconds, email });
    },

    /**
     * Who holds this address now, for the notice that someone tried to register it: nobody once its
     * registration has expired (the address is released) or before its user is saved.
     */
    async findAccountHolder({
      email,
    }: {
      email: string;
    }): Promise<{ userId: string; loginName: string; locale?: string } | null> {
      const holder = await User.findOne({ email }, { loginName: 1, locale: 1 }).lean();
      return holder && { userId: holder._id, loginName: holder.loginName, locale: holder.locale };
    },

    /** ENABLED, bound to the default role and group, and the activation token revoked (paascloud's activeUser). */
    async enableUser({ userId }: { userId: string }): Promise<void> {
      await transition(User, userId, is('DISABLED'), {
        $set: { status: 'ENABLED', activatedAt: new Date() },
        $addToSet: { roleIds: DEFAULT_ROLE_ID, groupIds: DEFAULT_GROUP_ID },
      });
      await tokens.revoke(userId);
    },

    /** EXPIRED, the e-mail and login name released so that they can register again, the token revoked. */
    async expireUser({ userId }: { userId: string }): Promise<void> {
      await release(userId, 'EXPIRED');
    },

    /**
     * BOUNCED: the activation mail bounced for good or was complained about. As on expiry, the e-mail and
     * login name are released so that they can register again, and the token revoked.
     */
    async bounceUser({ userId }: { userId: string }): Promise<void> {
      await release(userId, 'BOUNCED');
    },
  };
}
