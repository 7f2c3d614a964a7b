export { registration } from './registration';
