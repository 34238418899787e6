/** A generated case before the model judges it: what to probe, why, and under which tags. */
import type { Protocol } from '../policy/index.js';
import type { ClusterPolicyRef, Direction, PolicyRef } from '../policy/index.js';
import type { EndpointSpec, PortSpec } from '../suite/index.js';
import type { FeatureTag } from './tags.js';

export interface GeneratedCase {
  /** `generated: default/api-allow ingress[0] from[0] positive`: unique, and stable for the same policies. */
  readonly name: string;
  readonly tags: readonly FeatureTag[];
  /** The policy (a NetworkPolicy or a cluster policy) and direction the case was derived from. */
  readonly policy: PolicyRef | ClusterPolicyRef;
  readonly direction: Direction;
  readonly from: EndpointSpec;
  readonly to: EndpointSpec;
  /** Omitted: every port the destination pods declare. */
  readonly port?: PortSpec;
  readonly protocol: Protocol;
}

/** The port part of a case: a port (or none, for every declared port) and its tags. */
export interface PortChoice {
  readonly port?: PortSpec;
  readonly protocol: Protocol;
  readonly tags: readonly FeatureTag[];
  /** How the case name shows it, e.g. `5432/TCP`, `http/TCP`, `every declared port`. */
  readonly label: string;
}

export interface GenerateOptions {
  /**
   * Also derive ingress cases whose source is an outside address (ipBlock peers, rules
   * with no `from`). Such a source can only be evaluated offline, so live runs leave it out.
   */
  readonly addressSources?: boolean;
  /**
   * At most about this many (source, destination) pods per case; broader endpoints are
   * narrowed (to one namespace, one pod's labels, one pod). Default 16.
   */
  readonly maxPairs?: number;
  /** Outside addresses known to answer (the lab's outside hosts): ipBlock cases pick them first. */
  readonly outsideAddresses?: readonly string[];
}
