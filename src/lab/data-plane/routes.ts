/**
 * The /32 routes each fabric namespace needs: nodes reach other nodes' pods via those
 * nodes and outside hosts on the fabric; outside hosts reach every pod via its node.
 * hostNetwork pods need none (their address is their node's).
 */
import type { NodeEntry } from './context.js';
import type { RouteTable } from './topology.js';

interface RoutedPod {
  readonly ip: string;
  readonly node: NodeEntry;
  readonly hostLink?: string;
}

interface RoutedHost {
  readonly netns: string;
  readonly address: string;
}

/** Per namespace: destination address to the node address it goes via ('' for on the fabric). */
export function wantedRoutes(
  nodes: readonly NodeEntry[],
  outsideHosts: readonly RoutedHost[],
  pods: readonly RoutedPod[],
): Map<string, RouteTable> {
  const routed = pods.filter((pod) => pod.hostLink !== undefined);
  const toOutside = outsideHosts.map((host): [string, string] => [host.address, '']);
  const tables = new Map<string, RouteTable>();
  for (const node of nodes) {
    const remotePods = routed
      .filter((pod) => pod.node.name !== node.name)
      .map((pod): [string, string] => [pod.ip, pod.node.address]);
    tables.set(node.netns, new Map([...remotePods, ...toOutside]));
  }
  for (const host of outsideHosts) {
    tables.set(host.netns, new Map(routed.map((pod): [string, string] => [pod.ip, pod.node.address])));
  }
  return tables;
}
