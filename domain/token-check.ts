import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/**
 * What the registration workflow keeps of its activation token: the SHA-256 of the token's hash. The
 * click sends the token's hash, which only the token's holder can compute; the workflow's history, which
 * anyone who can read it sees whole, holds only this check, from which the hash cannot be recovered. So
 * nothing in the history can activate an account. Pure JavaScript, for the workflow's sandbox.
 */
export function tokenCheckOf(tokenHash: string): string {
  return bytesToHex(sha256(utf8ToBytes(tokenHash)));
}
