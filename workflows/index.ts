export { registration } from './registration';
export { purgeFinishedMessages } from './retention';
