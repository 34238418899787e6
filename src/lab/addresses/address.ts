/**
 * Addresses as the lab's data plane needs them: strict parsing (every address that
 * reaches a command line or an nftables rule passes through here and comes out in
 * canonical form), CIDR containment, and the ranges the lab may use.
 *
 * Written apart from src/shared/address.ts (the parser of the model, the suites and the
 * manifests) on purpose: the data plane and its enforcer are compared with the policy
 * model by a differential test, and shared code would hide a shared bug.
 */

export type Family = 4 | 6;

/** An address as a bigint (32 or 128 bits) plus its family. */
export interface Address {
  readonly family: Family;
  readonly value: bigint;
}

export interface Block {
  readonly family: Family;
  /** The first address of the block (host bits cleared). */
  readonly base: bigint;
  readonly prefix: number;
}

const V4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const V6_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function parseAddress(text: string): Address | undefined {
  return text.includes(':') ? parseV6(text) : parseV4(text);
}

function parseV4(text: string): Address | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => V4_OCTET.test(part))) return undefined;
  const value = parts.reduce((word, part) => (word << 8n) | BigInt(Number(part)), 0n);
  return { family: 4, value };
}

function parseV6(text: string): Address | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<number>(missing).fill(0), ...tail];
  const value = groups.reduce((word, group) => (word << 16n) | BigInt(group), 0n);
  return { family: 6, value };
}

function groupsOf(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  if (!groups.every((group) => V6_GROUP.test(group))) return undefined;
  return groups.map((group) => parseInt(group, 16));
}

export function bitsOf(family: Family): number {
  return family === 4 ? 32 : 128;
}

/** `a.b.c.d/len` or `v6/len`; host bits set are an error, as the API server says for ipBlock. */
export function parseBlock(text: string, options: { allowHostBits?: boolean } = {}): Block | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bitsOf(address.family)) return undefined;
  const base = address.value & maskOf(address.family, prefix);
  if (base !== address.value && options.allowHostBits !== true) return undefined;
  return { family: address.family, base, prefix };
}

function maskOf(family: Family, prefix: number): bigint {
  const bits = BigInt(bitsOf(family));
  const all = (1n << bits) - 1n;
  return all ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

export function blockSize(block: Block): bigint {
  return 1n << BigInt(bitsOf(block.family) - block.prefix);
}

export function blockContains(block: Block, address: Address): boolean {
  return (
    block.family === address.family && (address.value & maskOf(block.family, block.prefix)) === block.base
  );
}

/** Whether `inner` lies entirely inside `outer`. */
export function blockWithin(inner: Block, outer: Block): boolean {
  return (
    inner.family === outer.family &&
    inner.prefix >= outer.prefix &&
    blockContains(outer, { family: inner.family, value: inner.base })
  );
}

export function blocksOverlap(a: Block, b: Block): boolean {
  return blockWithin(a, b) || blockWithin(b, a);
}

export function formatAddress(address: Address): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 255n)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number((address.value >> BigInt(112 - 16 * i)) & 0xffffn),
  );
  return compressV6(groups);
}

/** RFC 5952: the longest run (of two or more) of zero groups becomes `::`. */
function compressV6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function formatBlock(block: Block): string {
  return `${formatAddress({ family: block.family, value: block.base })}/${block.prefix}`;
}

/** The canonical text of an address, or undefined when it is not one. */
export function canonicalAddress(text: string): string | undefined {
  const address = parseAddress(text);
  return address === undefined ? undefined : formatAddress(address);
}

export function addressAt(block: Block, offset: bigint): Address {
  return { family: block.family, value: block.base + offset };
}

function block(text: string): Block {
  const parsed = parseBlock(text);
  if (parsed === undefined) throw new Error(`bad built-in block ${text}`);
  return parsed;
}

/** RFC 2544's benchmarking block: the only place pods and nodes take addresses from. */
export const LAB_BLOCK = block('198.18.0.0/15');

/** RFC 5737 and RFC 3849: the only addresses an outside host may have. */
export const DOCUMENTATION_BLOCKS: readonly Block[] = [
  block('192.0.2.0/24'),
  block('198.51.100.0/24'),
  block('203.0.113.0/24'),
  block('2001:db8::/32'),
];

export function isDocumentationAddress(address: Address): boolean {
  return DOCUMENTATION_BLOCKS.some((documentation) => blockContains(documentation, address));
}
