/** The question the model answers: may this traffic flow? (cyclonus `pkg/matcher/traffic.go`) */
import type { Pod, Protocol } from './cluster.js';

/** A pod, or an address: an outside host, a node, or a pod's IP (then it counts as that pod). */
export type TrafficEndpoint =
  { readonly kind: 'pod'; readonly pod: Pod } | { readonly kind: 'address'; readonly ip: string };

export interface Traffic {
  readonly source: TrafficEndpoint;
  readonly destination: TrafficEndpoint;
  /** The destination port, already resolved to a number. */
  readonly port: number;
  readonly protocol: Protocol;
}
