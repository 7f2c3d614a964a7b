/**
 * `isDuplicateKeyError` (domain/models): the retried inserts of the flows (the message, the user, the
 * confirms, the user event) treat "already there" as done, and only that: a bulk insert in which some
 * other error happened is not taken for a repeat.
 */
import { isDuplicateKeyError } from '../../domain/models';

describe('isDuplicateKeyError', () => {
  it('recognises a single insert that hit a unique index (code 11000)', () => {
    expect(isDuplicateKeyError(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }))).toBe(true);
  });

  it('recognises a bulk insert in which every failed document was a duplicate', () => {
    expect(isDuplicateKeyError({ writeErrors: [{ code: 11000 }, { code: 11000 }] })).toBe(true);
  });

  it('refuses a bulk insert in which one failure was something else', () => {
    expect(isDuplicateKeyError({ writeErrors: [{ code: 11000 }, { code: 121 }] })).toBe(false);
  });

  it.each([
    ['another server error', Object.assign(new Error('not primary'), { code: 10107 })],
    ['a network error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a bulk insert without write errors', { writeErrors: [] }],
    ['a plain error', new Error('E11000 mentioned only in the text')],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'E11000'],
  ])('refuses %s', (_case, err) => {
    expect(isDuplicateKeyError(err)).toBe(false);
  });
});
