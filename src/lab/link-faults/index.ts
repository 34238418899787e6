/** Lossy pod links (`--cni ...+lossy`): netem where the kernel has it, else lossy-link.c, a user-space stage per pod. */

// One pod's link, both ways: loss and jitter on, and off again with the pod.
export { LinkFaultsFailed, netemArgs, startFaultyLink } from './link-faults.js';
export type { FaultyLink, LinkEmulation, PodLink } from './link-faults.js';
// Built on first use from lossy-link.c into a cache keyed by the source's hash.
export { lossyLinkBinary } from './lossy-link-binary.js';
