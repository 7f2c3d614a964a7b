export { accountNotice } from './account-notice';
export { registration } from './registration';
export { purgeFinishedMessages } from './retention';
