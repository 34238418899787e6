/** What every step of the data plane needs to know about its lab, fixed at creation. */
import type { Block } from '../addresses/index.js';
import type { LinkFaults } from '../enforcer/index.js';
import type { LabNames } from '../names/index.js';

export interface LabContext {
  readonly names: LabNames;
  readonly responderBinary: string;
  /** `--cni ...+lossy`: the faults every pod's own link gets, and lossy-link for kernels without netem. */
  readonly links?: { readonly faults: LinkFaults; readonly binary: string };
  /** The lab's cgroup parents (one per hierarchy); empty when cgroups are off. */
  readonly cgroupRoots: readonly string[];
  readonly podBlock: Block;
  readonly nodeBlock: Block;
  readonly log: (message: string) => void;
}

export interface NodeEntry {
  readonly name: string;
  readonly index: number;
  readonly netns: string;
  readonly fabricLink: string;
  readonly address: string;
}
