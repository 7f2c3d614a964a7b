/**
 * The browser layer: the integration stack, plus Chromium from Debian's package (installed by
 * stack/install.sh when missing; CHROMIUM_PATH names another one).
 */
import { installStack } from '../../stack/install';
import integrationGlobalSetup from './integration-global-setup';

export default async function browserGlobalSetup(): Promise<void> {
  process.env.RELIABLE_SIGNUP_BROWSER = '1';
  installStack();
  await integrationGlobalSetup();
}
