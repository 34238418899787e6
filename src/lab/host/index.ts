/** What the lab needs from this Linux host, with no lab logic in it: commands, network namespaces, cgroups. */

// The one way the lab runs a program: an argument array, a time limit, stderr in the failure.
export { CommandFailed, runCommand } from './run-command.js';
export type { RunOptions } from './run-command.js';
export { isExecutable } from './is-executable.js';
// The lab's small C programs, built on first use into a cache keyed by their source's hash.
export { cProgramBinary, defaultCacheDir } from './c-program.js';
export type { CProgram } from './c-program.js';
// Named network namespaces through iproute2; every function refuses a name without the lab prefix.
export {
  addNetns,
  checkNetns,
  deleteNetns,
  inNetns,
  ipBatch,
  listNetns,
  netnsPath,
  netnsPids,
  setSysctls,
} from './netns.js';
export type { IpCommand } from './netns.js';
// Pod cgroups laid out as the kubelet lays them out (cgroup v1 and v2).
export {
  createPodCgroups,
  detectCgroupLayout,
  findLabCgroupRoots,
  joinCgroups,
  labCgroupRoots,
  processesInTree,
  removeCgroupTree,
  removePodCgroups,
} from './cgroups.js';
export type { CgroupHierarchy, CgroupLayout } from './cgroups.js';
// Long-lived programs inside a lab namespace: responders, dnsmasq, lossy links; their first line.
export { firstLine, startNetnsProcess } from './netns-process.js';
export type { NetnsProcessStart, RunningProcess } from './netns-process.js';
// Bounded concurrency (the lab runs on 2 cores).
export { mapLimit } from './map-limit.js';
