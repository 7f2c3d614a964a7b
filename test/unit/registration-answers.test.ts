import type { Client } from '@temporalio/client';
import type { Counter } from 'prom-client';
import { createRegistrationService, REGISTRATION_ACCEPTED } from '../../api/services/registration';
import { loadConfig } from '../../config';
import type { Registered } from '../../workflows/registration';

/**
 * How the API answers a registration that finds one pending for its address, with the workflow and the
 * database replaced by stubs: a repeat is one only when its password verifies, anybody else's replaces
 * the pending one, and only a registration the request itself started teaches the answer timing.
 */
function harness(answer: Registered) {
  const replacements: unknown[] = [];
  const timing = { accepted: jest.fn(), concealed: jest.fn(async () => undefined), now: () => 0 };
  const client = {
    workflow: {
      executeUpdateWithStart: jest.fn(async () => answer),
      getHandle: () => ({
        executeUpdate: async (_update: unknown, { args }: { args: unknown[] }) => {
          replacements.push(args[0]);
          return { ...answer, pending: undefined };
        },
      }),
    },
  } as unknown as Client;
  const service = createRegistrationService({
    client,
    config: loadConfig({}),
    hashPassword: async (password) => `hash(${password})`,
    verifyPassword: async (hash, password) => hash === `hash(${password})`,
    findRegistrant: async () => ({ loginName: 'alice', passwordHash: 'hash(alice’s passphrase)' }),
    notifyOwner: async () => undefined,
    registered: { inc: jest.fn() } as unknown as Counter,
    answerTiming: timing,
    attempts: { create: async () => 'an-attempt-of-22-chars' },
  });
  return { service, timing, replacements };
}

const pending: Registered = { userId: 'u1', status: 'DISABLED', workflowId: 'registration-x', pending: true };
const alice = { loginName: 'alice', email: 'alice@example.com', password: 'alice’s passphrase' };

test('fifty repeats of a pending registration teach the answer timing nothing, and each is held to it', async () => {
  const { service, timing, replacements } = harness(pending);
  for (let i = 0; i < 50; i++)
    await expect(service.register(alice)).resolves.toEqual({
      ...REGISTRATION_ACCEPTED,
      attempt: 'an-attempt-of-22-chars',
    });
  expect(timing.accepted).not.toHaveBeenCalled();
  expect(timing.concealed).toHaveBeenCalledTimes(50);
  expect(replacements).toEqual([]);
});

test('a registration the request started teaches the answer timing, and is not held', async () => {
  const { service, timing } = harness({ ...pending, pending: undefined });
  await service.register(alice);
  expect(timing.accepted).toHaveBeenCalledTimes(1);
  expect(timing.concealed).not.toHaveBeenCalled();
});

test('the pending login name with another password is somebody else’s: LOGIN_NAME_TAKEN, held, nothing replaced', async () => {
  const { service, timing, replacements } = harness(pending);
  await expect(service.register({ ...alice, password: 'a guess' })).rejects.toMatchObject({
    status: 409,
    code: 'LOGIN_NAME_TAKEN',
  });
  expect(timing.concealed).toHaveBeenCalledTimes(1);
  expect(replacements).toEqual([]);
});

test('another login name replaces the pending registrant, with the new password’s hash and never the password', async () => {
  const { service, timing, replacements } = harness(pending);
  await expect(
    service.register({ loginName: 'victim', email: alice.email, password: 'the victim’s passphrase' }),
  ).resolves.toEqual({ ...REGISTRATION_ACCEPTED, attempt: 'an-attempt-of-22-chars' });
  expect(replacements).toEqual([
    { loginName: 'victim', passwordHash: 'hash(the victim’s passphrase)', tokenSalt: expect.any(String) },
  ]);
  expect(JSON.stringify(replacements)).not.toContain('"the victim’s passphrase"');
  expect(timing.concealed).toHaveBeenCalledTimes(1);
  expect(timing.accepted).not.toHaveBeenCalled();
});
