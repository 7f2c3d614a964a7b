import { isDuplicateKeyError, Suppression } from './models';
import type { SuppressionDoc } from './models/suppression';
import { normaliseEmail } from './users';

/**
 * Puts an address on the suppression list, unless it is there already: the first event that put it
 * there stays its reason until an operator lifts it. Safe to repeat and to race.
 */
export async function suppress(entry: Omit<SuppressionDoc, '_id'>): Promise<void> {
  const email = normaliseEmail(entry.email);
  try {
    await Suppression.updateOne({ _id: email }, { $setOnInsert: { ...entry, _id: email, email } }, { upsert: true });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err; // a racing writer inserted it
  }
}

/** The address's entry on the suppression list, if it has one: one read of the `_id` index. */
export async function suppressionOf(email: string): Promise<SuppressionDoc | null> {
  return Suppression.findById(normaliseEmail(email)).lean();
}
