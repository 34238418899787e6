/**
 * Stable made-up addresses for pods and nodes that manifests give none. They come from
 * 198.18.0.0/15 (RFC 2544, reserved for benchmarking, so never a real peer): nodes from
 * 198.19.255.0/24, pods from the rest. Each address is a hash of the object's key, probed
 * upward past taken ones; keys are served in sorted order, so the same manifests give the
 * same addresses whatever order their files were read in.
 */
import { createHash } from 'node:crypto';
import { formatIpv4, parseIpv4 } from '../shared/index.js';

export interface AddressPool {
  /** The first and last address of the pool, as 32-bit numbers. */
  readonly first: number;
  readonly last: number;
}

export const NODE_POOL: AddressPool = { first: word('198.19.255.0'), last: word('198.19.255.255') };
export const POD_POOL: AddressPool = { first: word('198.18.0.0'), last: NODE_POOL.first - 1 };

export type Allocation =
  | { readonly kind: 'allocated'; readonly addresses: ReadonlyMap<string, string> }
  | { readonly kind: 'exhausted'; readonly key: string };

/**
 * An address for each key, none of them in `taken` nor shared. Addresses ending in .0 or
 * .255 are left out: they read as network and broadcast addresses to people.
 */
export function allocateStableAddresses(
  keys: readonly string[],
  pool: AddressPool,
  taken: ReadonlySet<string>,
): Allocation {
  const used = new Set([...taken].flatMap((address) => parseIpv4(address) ?? []));
  const addresses = new Map<string, string>();
  const size = pool.last - pool.first + 1;
  for (const key of [...new Set(keys)].sort()) {
    const start = hashToIndex(key, size);
    let found: number | undefined;
    for (let step = 0; step < size && found === undefined; step += 1) {
      const candidate = pool.first + ((start + step) % size);
      if (isHostAddress(candidate) && !used.has(candidate)) found = candidate;
    }
    if (found === undefined) return { kind: 'exhausted', key };
    used.add(found);
    addresses.set(key, formatIpv4(found));
  }
  return { kind: 'allocated', addresses };
}

function hashToIndex(key: string, size: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % size;
}

function isHostAddress(address: number): boolean {
  const lastOctet = address & 0xff;
  return lastOctet !== 0 && lastOctet !== 255;
}

/** A built-in address as its 32-bit word. */
function word(address: string): number {
  const parsed = parseIpv4(address);
  if (parsed === undefined) throw new Error(`bad built-in address ${address}`);
  return parsed;
}
