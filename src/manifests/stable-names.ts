/**
 * Names for pods that a workload's controller would create, shaped like the real ones
 * (`web-6b7f9c8d4-x7kqz`, `db-0`, `agent-m2kzt`) but derived from a hash, not chance, so
 * the same manifests always name the same pods.
 */
import { createHash } from 'node:crypto';

/** The alphabet of Kubernetes' rand.SafeEncodeString: no vowels, nothing that reads as another. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function stableToken(seed: string, length: number, alphabet: string = SAFE_ALPHABET): string {
  const digest = createHash('sha256').update(seed).digest();
  let token = '';
  for (let index = 0; index < length; index += 1)
    token += alphabet[(digest[index] ?? 0) % alphabet.length] ?? '';
  return token;
}

export function stableDigits(seed: string, length: number): string {
  return stableToken(seed, length, '0123456789');
}
