/** What the data plane made of the desired state: for the control plane to report back. */
export interface NodeStatus {
  readonly name: string;
  readonly address: string;
  readonly netns: string;
}

export type PodStatus =
  | {
      readonly phase: 'Running';
      readonly namespace: string;
      readonly name: string;
      readonly uid: string;
      readonly nodeName: string;
      readonly hostNetwork: boolean;
      readonly ip: string;
      /** The namespace the pod's processes live in (its node's for hostNetwork). */
      readonly netns: string;
      /** The responder: the pod's one process. */
      readonly pid: number;
      /** Its cgroup folders (`.../kubepods/besteffort/pod<uid>/<container-id>`). */
      readonly cgroups: readonly string[];
      readonly containerId: string;
      /** Declared ports not served because the kernel lacks the protocol (`sctp:PORT`). */
      readonly skippedPorts: readonly string[];
    }
  | {
      readonly phase: 'Pending' | 'Failed';
      readonly namespace: string;
      readonly name: string;
      readonly uid: string;
      readonly reason: string;
    };

export interface ExternalHostStatus {
  readonly name: string;
  readonly address: string;
  readonly netns: string;
  readonly pid: number;
  readonly skippedPorts: readonly string[];
}

export interface DataPlaneStatus {
  readonly lab: string;
  /** `--cni` mode, as given. */
  readonly cni: string;
  readonly nodes: readonly NodeStatus[];
  readonly pods: readonly PodStatus[];
  readonly externalHosts: readonly ExternalHostStatus[];
  /** Counts `apply` calls; with `delay=`, `enforcedRevision` lags behind until the rules load. */
  readonly policyRevision: number;
  readonly enforcedRevision: number;
}
