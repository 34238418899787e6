/**
 * Addresses for ipBlock cases: one inside the block and outside every `except`, one
 * inside each `except`, one outside the block. Known outside hosts come first, then
 * documentation addresses (where the lab's outside hosts live); an address a pod or node of the cluster uses is never
 * picked, since it would stand for that pod or node rather than an outside host.
 */
import type { Cidr } from '../shared/index.js';
import { cidrContains, firstHostAddress, formatIp, parseCidr, parseIp } from '../shared/index.js';
import type { ClusterView } from './cluster-view.js';

const DOCUMENTATION: Readonly<Record<4 | 6, readonly string[]>> = {
  4: ['192.0.2.1', '198.51.100.1', '203.0.113.1'],
  6: ['2001:db8::1'],
};

export function cidrOf(text: string): Cidr | undefined {
  const parsed = parseCidr(text);
  return parsed.ok ? parsed.cidr : undefined;
}

/** An address an ipBlock peer admits, from its text; none for a block that does not parse. */
export function admittedAddress(
  cidr: string,
  except: readonly string[],
  view: ClusterView,
): string | undefined {
  const block = cidrOf(cidr);
  if (block === undefined) return undefined;
  return addressInside(
    block,
    except.map(cidrOf).filter((e) => e !== undefined),
    view,
  );
}

/** An address the block admits: inside it, outside its excepts. */
export function addressInside(block: Cidr, except: readonly Cidr[], view: ClusterView): string | undefined {
  const candidates = [
    ...view.outsideAddresses,
    ...DOCUMENTATION[block.family],
    firstHostAddress(block),
    ...except.map((e) => shifted(lastAddress(e), 1)),
    shifted(lastAddress(block), -1),
    lastAddress(block),
  ];
  return firstFree(candidates, (ip) => contains(block, ip) && !except.some((e) => contains(e, ip)), view);
}

/** An address inside an `except` block (which the API server requires to lie inside the block). */
export function addressInExcept(except: Cidr, view: ClusterView): string | undefined {
  const candidates = [
    ...view.outsideAddresses,
    ...DOCUMENTATION[except.family],
    firstHostAddress(except),
    lastAddress(except),
  ];
  return firstFree(candidates, (ip) => contains(except, ip), view);
}

/** An address of the block's family outside it; none for a block that holds them all. */
export function addressOutside(block: Cidr, view: ClusterView): string | undefined {
  if (block.prefix === 0) return undefined;
  const candidates = [
    ...view.outsideAddresses,
    ...DOCUMENTATION[block.family],
    firstHostAddress(sibling(block)),
    shifted(lastAddress(block), 1),
    shifted(formatIp(block), -1),
  ];
  return firstFree(candidates, (ip) => !contains(block, ip), view);
}

function firstFree(
  candidates: readonly string[],
  wanted: (ip: string) => boolean,
  view: ClusterView,
): string | undefined {
  return candidates.find((ip) => wanted(ip) && !view.addressInUse(ip));
}

/** Whether the address (as text) lies in the block. */
export function contains(cidr: Cidr, ip: string): boolean {
  const address = parseIp(ip);
  return address !== undefined && cidrContains(cidr, address);
}

/** The other half of the block's parent: the same prefix with its last bit flipped. */
function sibling(block: Cidr): Cidr {
  const bit = block.prefix - 1;
  const words = [...block.words];
  const index = Math.floor(bit / 32);
  words[index] = ((words[index] ?? 0) ^ (1 << (31 - (bit % 32)))) >>> 0;
  return cidrOf(`${formatIp({ family: block.family, words })}/${block.prefix}`) ?? block;
}

/** The block's last address: every host bit set. */
function lastAddress(cidr: Cidr): string {
  const words = cidr.words.map((word, i) => (word | ~(cidr.masks[i] ?? 0)) >>> 0);
  return formatIp({ family: cidr.family, words });
}

/** The address `delta` (±1) away, wrapping around the family's range. */
function shifted(ip: string, delta: 1 | -1): string {
  const address = parseIp(ip);
  if (address === undefined) return ip;
  const words = [...address.words];
  for (let i = words.length - 1; i >= 0; i--) {
    const word = (words[i] ?? 0) + delta;
    words[i] = word >>> 0;
    if (word >= 0 && word <= 0xffffffff) break;
  }
  return formatIp({ family: address.family, words });
}
