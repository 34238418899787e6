/**
 * The lab's wiring, Calico's model on a private fabric:
 *
 *   fabric ns:  bridge br0; one veth per node (n<i>) and per outside host (x<hash>)
 *   node ns:    eth0 on the fabric with the node address; per pod a routed veth
 *               cali<hash> (no bridge) and a /32 route to the pod; /32 routes to other
 *               nodes' pods via their node address; /32 routes to outside hosts on-link
 *   pod ns:     eth0 with the pod's /32; gateway 169.254.1.1 reached through a
 *               permanent neighbour entry for the host side's fixed MAC (Calico's
 *               ee:ee:ee:ee:ee:ee), and routes only to the lab block and the
 *               documentation ranges, never a default route
 *   outside ns: eth0 on the fabric with its documentation address; the node subnet
 *               on-link and /32 routes to pods via their node
 *
 * Routes between namespaces (`syncRoutes`) are reconciled from the data plane's tables.
 *
 * Every link is created inside lab namespaces (`ip -n NS link add ... peer ... netns
 * NS2`), never in the root namespace, and no namespace has a route out of the lab.
 */
import type { Block } from '../addresses/index.js';
import { DOCUMENTATION_BLOCKS, formatBlock, LAB_BLOCK } from '../addresses/index.js';
import type { IpCommand } from '../host/index.js';
import { addNetns, ipBatch, setSysctls } from '../host/index.js';

const BRIDGE = 'br0';
const GATEWAY = '169.254.1.1';
const HOST_SIDE_MAC = 'ee:ee:ee:ee:ee:ee';

export interface NodeWiring {
  readonly netns: string;
  readonly fabricLink: string;
  /** Canonical IPv4 text. */
  readonly address: string;
}

export interface PodWiring {
  readonly netns: string;
  readonly hostLink: string;
  readonly address: string;
}

export interface OutsideWiring {
  readonly netns: string;
  readonly fabricLink: string;
  readonly address: string;
}

export async function createFabric(netns: string): Promise<void> {
  await addNetns(netns);
  await ipBatch(netns, [
    ['link', 'set', 'lo', 'up'],
    ['link', 'add', BRIDGE, 'type', 'bridge'],
    ['link', 'set', BRIDGE, 'up'],
  ]);
}

/** A namespace with eth0 on the fabric's bridge, up, holding `cidr`: a node or an outside host. */
async function attachToFabric(
  fabric: string,
  end: { readonly netns: string; readonly fabricLink: string },
  cidr: string,
): Promise<void> {
  await addNetns(end.netns);
  await ipBatch(fabric, [
    ['link', 'add', end.fabricLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', end.netns],
    ['link', 'set', end.fabricLink, 'master', BRIDGE],
    ['link', 'set', end.fabricLink, 'up'],
  ]);
  await ipBatch(end.netns, [
    ['link', 'set', 'lo', 'up'],
    ['link', 'set', 'eth0', 'up'],
    ['address', 'add', cidr, 'dev', 'eth0'],
  ]);
}

export async function createNode(fabric: string, node: NodeWiring, nodeBlock: Block): Promise<void> {
  await attachToFabric(fabric, node, `${node.address}/${nodeBlock.prefix}`);
  await setSysctls(node.netns, { 'net.ipv4.ip_forward': 1 });
}

export async function createOutsideHost(
  fabric: string,
  host: OutsideWiring,
  nodeBlock: Block,
): Promise<void> {
  await attachToFabric(fabric, host, `${host.address}/32`);
  await ipBatch(host.netns, [['route', 'add', formatBlock(nodeBlock), 'dev', 'eth0', 'src', host.address]]);
}

export async function createPodNetwork(node: NodeWiring, pod: PodWiring): Promise<void> {
  await addNetns(pod.netns);
  await ipBatch(node.netns, [
    ['link', 'add', pod.hostLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod.netns],
    ['link', 'set', pod.hostLink, 'address', HOST_SIDE_MAC],
    ['link', 'set', pod.hostLink, 'up'],
    ['route', 'add', `${pod.address}/32`, 'dev', pod.hostLink, 'scope', 'link'],
  ]);
  const labRoutes = [LAB_BLOCK, ...DOCUMENTATION_BLOCKS.filter((block) => block.family === 4)].map(
    (block): IpCommand => ['route', 'add', formatBlock(block), 'via', GATEWAY, 'dev', 'eth0'],
  );
  await ipBatch(pod.netns, [
    ['link', 'set', 'lo', 'up'],
    ['link', 'set', 'eth0', 'up'],
    ['address', 'add', `${pod.address}/32`, 'dev', 'eth0'],
    ['route', 'add', GATEWAY, 'dev', 'eth0', 'scope', 'link'],
    ['neighbour', 'replace', GATEWAY, 'lladdr', HOST_SIDE_MAC, 'dev', 'eth0', 'nud', 'permanent'],
    ...labRoutes,
  ]);
}

/**
 * Deletes one end of a veth pair, which takes the other end with it at once. Deleting
 * a namespace alone is not enough before re-creating a link of the same name: the
 * kernel tears namespaces down asynchronously, and their links linger for a while.
 */
export async function deleteLink(netns: string, link: string): Promise<void> {
  await ipBatch(netns, [['link', 'del', link]]).catch(async (error: unknown) => {
    const present = await ipBatch(netns, [['link', 'show', link]]).then(
      () => true,
      () => false,
    );
    if (present) throw error;
  });
}

/**
 * Forgets neighbour entries for addresses that now belong to a new link (a node or an
 * outside host made again with the same address has a new MAC): a stale entry would
 * send packets to the old MAC for seconds before the kernel probes again.
 */
export async function forgetNeighbours(netns: string, addresses: readonly string[]): Promise<void> {
  if (addresses.length === 0) return;
  await ipBatch(
    netns,
    addresses.map((address) => ['neighbour', 'flush', 'to', address]),
    { force: true },
  ).catch(() => undefined);
}

/**
 * /32 routes a node or outside host needs towards the rest of the lab, by destination:
 * `via` a node address (a pod on another node), or on the fabric when `via` is ''
 * (an outside host, seen from a node).
 */
export type RouteTable = ReadonlyMap<string, string>;

/** Brings a namespace's lab routes from `installed` to `wanted`; returns what is now installed. */
export async function syncRoutes(
  netns: string,
  installed: RouteTable,
  wanted: RouteTable,
): Promise<RouteTable> {
  const stale = [...installed.keys()].filter((destination) => !wanted.has(destination));
  const fresh = [...wanted].filter(([destination, via]) => installed.get(destination) !== via);
  if (stale.length > 0) {
    // A route that is already gone must not stop the others.
    await ipBatch(
      netns,
      stale.map((destination) => ['route', 'del', `${destination}/32`]),
      { force: true },
    ).catch(() => undefined);
  }
  await ipBatch(
    netns,
    fresh.map(([destination, via]): IpCommand =>
      via === ''
        ? ['route', 'replace', `${destination}/32`, 'dev', 'eth0']
        : ['route', 'replace', `${destination}/32`, 'via', via, 'dev', 'eth0'],
    ),
  );
  return wanted;
}
