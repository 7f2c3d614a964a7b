import { model, Schema } from 'mongoose';
import { USER_STATUSES, type UserStatus } from '../users';

export interface UserDoc {
  _id: string;
  loginName: string;
  email: string;
  passwordHash: string;
  mobileNo?: string;
  status: UserStatus;
  workflowId: string;
  roleIds: string[];
  groupIds: string[];
  createdAt: Date;
  updatedAt: Date;
  activatedAt?: Date;
  expiredAt?: Date;
  /** An expired registration gives its e-mail and login name back; they are kept here for the record. */
  released?: { email: string; loginName: string };
  /** The locale its registration chose (docs/templates.md); absent for users registered before it existed. */
  locale?: string;
}

const schema = new Schema<UserDoc>(
  {
    _id: { type: String, required: true },
    loginName: { type: String, required: true, unique: true },
    email: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
    mobileNo: String,
    status: { type: String, enum: USER_STATUSES, required: true },
    workflowId: { type: String, required: true },
    roleIds: { type: [String], default: [] },
    groupIds: { type: [String], default: [] },
    activatedAt: Date,
    expiredAt: Date,
    released: { email: String, loginName: String },
    locale: String,
  },
  { timestamps: true, versionKey: false },
);
// The console's registrations and activations per hour: a range over each.
schema.index({ createdAt: 1 });
schema.index({ activatedAt: 1 });
// An address's expired registrations, for the console's and the API's look-up by e-mail.
schema.index({ 'released.email': 1, createdAt: -1 });

export const User = model<UserDoc>('User', schema, 'users');
