/** What every step of the data plane needs to know about its lab, fixed at creation. */
import type { Block } from '../addresses/index.js';
import type { LabNames } from '../names/index.js';

export interface LabContext {
  readonly names: LabNames;
  readonly responderBinary: string;
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
