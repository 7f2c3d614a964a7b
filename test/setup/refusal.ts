import { WebhookRefusal } from '../../api/webhooks/types';

/** The refusal a webhook's promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function refusalOf(promise: Promise<unknown>): Promise<WebhookRefusal> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WebhookRefusal);
  return err as WebhookRefusal;
}
