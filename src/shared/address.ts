/**
 * IPv4 and IPv6 addresses and CIDR blocks as numbers, parsed once: an address is one
 * 32-bit word (IPv4) or four (IPv6), a CIDR keeps its masked words and masks, so the
 * verdict's hot path compares integers and never reads a string.
 * IPv4-mapped IPv6 (`::ffff:10.0.0.1`) stays IPv6, as it does on the wire: an IPv4 block
 * does not contain it.
 * The one parser of addresses for the model, the suites, the manifests and the lab's
 * control plane. The lab's enforcer (src/lab/addresses/address.ts) keeps its own on purpose, so
 * that the differential test compares two implementations.
 */
export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  /** Unsigned 32-bit words, most significant first: one for IPv4, four for IPv6. */
  readonly words: readonly number[];
}

export interface Cidr {
  readonly family: IpFamily;
  readonly prefix: number;
  /** The network address: host bits cleared, as Go's net.ParseCIDR returns it. */
  readonly words: readonly number[];
  readonly masks: readonly number[];
}

export type ParseCidrResult =
  { readonly ok: true; readonly cidr: Cidr } | { readonly ok: false; readonly message: string };

export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const words = parseIpv6(text);
    return words === undefined ? undefined : { family: 6, words };
  }
  const word = parseIpv4(text);
  return word === undefined ? undefined : { family: 4, words: [word] };
}

export function isIpAddress(text: string): boolean {
  return parseIp(text) !== undefined;
}

/** IPv4 dotted decimal; IPv6 in RFC 5952 form (lowercase, longest zero run compressed). */
export function formatIp(address: IpAddress): string {
  return address.family === 4 ? formatIpv4(address.words[0] ?? 0) : formatIpv6(address.words);
}

/** The canonical text of an address, or undefined when `text` is not one. */
export function normalizeIp(text: string): string | undefined {
  const address = parseIp(text);
  return address === undefined ? undefined : formatIp(address);
}

export function parseCidr(text: string): ParseCidrResult {
  const slash = text.indexOf('/');
  if (slash === -1) return { ok: false, message: `"${text}" is not a CIDR: expected ADDRESS/PREFIX` };
  const address = parseIp(text.slice(0, slash));
  if (address === undefined)
    return { ok: false, message: `"${text}" is not a CIDR: the address is not valid` };
  const prefixText = text.slice(slash + 1);
  const maxPrefix = address.family === 4 ? 32 : 128;
  const prefix = /^(0|[1-9][0-9]{0,2})$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix <= maxPrefix))
    return {
      ok: false,
      message: `"${text}" is not a CIDR: the prefix must be a number from 0 to ${maxPrefix}`,
    };
  const masks = address.words.map((_, i) => wordMask(prefix - 32 * i));
  const words = address.words.map((word, i) => (word & (masks[i] ?? 0)) >>> 0);
  return { ok: true, cidr: { family: address.family, prefix, words, masks } };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr)}/${cidr.prefix}`;
}

/** Whether `cidr` holds `address`; addresses of the other family never are. */
export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  if (cidr.family !== address.family) return false;
  return cidr.family === 4 ? ipv4InCidr(cidr, address.words[0] ?? 0) : ipv6InCidr(cidr, address.words);
}

/** The IPv4 hot path: one XOR and one AND. */
export function ipv4InCidr(cidr: Cidr, word: number): boolean {
  return ((word ^ (cidr.words[0] ?? 0)) & (cidr.masks[0] ?? 0)) === 0;
}

export function ipv6InCidr(cidr: Cidr, words: readonly number[]): boolean {
  for (let i = 0; i < 4; i++) {
    if (((words[i] ?? 0) ^ (cidr.words[i] ?? 0)) & (cidr.masks[i] ?? 0)) return false;
  }
  return true;
}

/** Whether every address of `inner` is in `outer` (same family, longer or equal prefix). */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.family === outer.family && inner.prefix >= outer.prefix && cidrContains(outer, inner);
}

/** The mask of one 32-bit word when `bits` of the prefix fall into it (clamped to 0..32). */
function wordMask(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

/** Dotted decimal without leading zeros, as Go's net.ParseIP has required since 1.17: one 32-bit word. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let word = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    word = word * 256 + octet;
  }
  return word;
}

function parseIpv6(text: string): number[] | undefined {
  if (text.includes('%')) return undefined; // zone indices are not addresses a policy can name
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '', true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...tail];
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push(((groups[i] ?? 0) * 0x10000 + (groups[i + 1] ?? 0)) >>> 0);
  return words;
}

/** Hex groups separated by `:`; the last one may be dotted IPv4 when `mayEndInIpv4`. */
function parseGroups(text: string, mayEndInIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (mayEndInIpv4 && i === parts.length - 1 && part.includes('.')) {
      const word = parseIpv4(part);
      if (word === undefined) return undefined;
      groups.push(word >>> 16, word & 0xffff);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** A 32-bit word as dotted decimal. */
export function formatIpv4(word: number): string {
  return [word >>> 24, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff].join('.');
}

function formatIpv6(words: readonly number[]): string {
  const groups: number[] = [];
  for (const word of words) groups.push(word >>> 16, word & 0xffff);
  if (isIpv4Mapped(groups)) return `::ffff:${formatIpv4(words[3] ?? 0)}`;
  const [start, length] = longestZeroRun(groups);
  const hex = groups.map((group) => group.toString(16));
  if (length < 2) return hex.join(':');
  return `${hex.slice(0, start).join(':')}::${hex.slice(start + length).join(':')}`;
}

function isIpv4Mapped(groups: readonly number[]): boolean {
  return groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
}

/** RFC 5952 4.2.3: the longest run of zero groups, the first one on a tie. */
function longestZeroRun(groups: readonly number[]): [number, number] {
  let best: [number, number] = [-1, 0];
  let start = -1;
  for (let i = 0; i <= groups.length; i++) {
    if (i < groups.length && groups[i] === 0) {
      if (start === -1) start = i;
    } else if (start !== -1) {
      if (i - start > best[1]) best = [start, i - start];
      start = -1;
    }
  }
  return best;
}

/**
 * The address that stands for a whole block when one must be probed: the first host
 * (network + 1) when the block has room for hosts, else the block's only address.
 */
export function firstHostAddress(cidr: Cidr): string {
  const max = cidr.family === 4 ? 32 : 128;
  const words = [...cidr.words];
  if (cidr.prefix < max - 1) words[words.length - 1] = ((words[words.length - 1] ?? 0) + 1) >>> 0;
  return formatIp({ family: cidr.family, words });
}
