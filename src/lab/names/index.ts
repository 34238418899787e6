/**
 * What a lab and everything it makes are called, and where it keeps its state. Light on
 * purpose (node:crypto and node:path only): the command line names the default lab when
 * it starts, and must not load the rest of the lab for that.
 */

// Lab names, and the `npa-<lab>-` names of its network namespaces, links and cgroups.
export {
  containerId,
  isDnsLabel,
  isObjectName,
  isUid,
  LabNames,
  labNameProblem,
  labOfName,
  NETNS_PREFIX,
  podKey,
  shortHash,
} from './names.js';
// The state folder: the supervisor's record, kubeconfig, logs, control socket, the data plane's record.
export { DEFAULT_LAB_NAME, defaultStateRoot, labPaths, labStateDir } from './paths.js';
export type { LabPaths } from './paths.js';
