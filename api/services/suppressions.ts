import { Suppression } from '../../domain/models';
import type { SuppressionDoc } from '../../domain/models/suppression';
import { normaliseEmail } from '../../domain/users';
import { HttpError } from '../errors';

export type SuppressionView = Omit<SuppressionDoc, '_id'>;

/** The most entries one look at the list answers, newest first. */
export const SUPPRESSIONS_PAGE = 200;

/** The suppression list for operators: list it, look an address up, lift an entry. */
export function createSuppressionService() {
  return {
    /** The newest entries, or the address's entry when `email` is given. */
    async list(email?: string): Promise<SuppressionView[]> {
      const filter = email === undefined ? {} : { _id: normaliseEmail(email) };
      const entries = await Suppression.find(filter).sort({ at: -1, _id: 1 }).limit(SUPPRESSIONS_PAGE).lean();
      return entries.map(({ email, reason, event, at }) => ({ email, reason, event, at }));
    },

    /** Takes the address off the list: the next mail to it goes out again. */
    async lift(email: string): Promise<{ email: string; lifted: true }> {
      const normalised = normaliseEmail(email);
      const { deletedCount } = await Suppression.deleteOne({ _id: normalised });
      if (deletedCount === 0) {
        throw new HttpError(404, 'SUPPRESSION_NOT_FOUND', 'This address is not on the suppression list.');
      }
      return { email: normalised, lifted: true };
    },
  };
}

export type SuppressionService = ReturnType<typeof createSuppressionService>;
