import { User } from '../../domain/models';
import { HttpError } from '../errors';

export interface UserView {
  userId: string;
  loginName: string;
  email: string;
  status: string;
  createdAt: Date;
  activatedAt?: Date;
}

/** A user as the API shows it: never the password hash; an expired one under the e-mail it was registered with. */
export async function getUser(userId: string): Promise<UserView> {
  const user = await User.findById(userId).lean();
  if (!user) throw new HttpError(404, 'USER_NOT_FOUND', `No user ${userId}.`);
  return {
    userId: user._id,
    loginName: user.released?.loginName ?? user.loginName,
    email: user.released?.email ?? user.email,
    status: user.status,
    createdAt: user.createdAt,
    ...(user.activatedAt ? { activatedAt: user.activatedAt } : {}),
  };
}
