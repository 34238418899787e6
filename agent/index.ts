/** The agent: probes from inside pods' network namespaces on its node, and serves as a responder. */

// The wire protocol (the runner imports this): batch in, one TAP test point per request out,
// and the runner's reader of that output.
export * from './protocol.js';
export * from './agent-output.js';

// Finding a pod's network namespace from its UID.
export { normalizePodUid, podOfCgroupFile, podOfCgroupLine } from './cgroup-pod.js';
export type { ContainerRuntime, PodCgroup, PodCgroupLeaf } from './cgroup-pod.js';
export { podNetns, PodProcessScan, rankPodProcesses, scanPodProcesses } from './find-pod-netns.js';
export type { PodNetns, PodProcess, ScanOptions } from './find-pod-netns.js';
export { netnsRefKey, resolveNetnsRefs } from './resolve-netns.js';
export type { ResolvedNetns, ResolveOptions } from './resolve-netns.js';

// Running a batch, and the one netpol-probe helper that runs it in every namespace it names.
export { runBatch } from './run-batch.js';
export type { RunBatchOptions } from './run-batch.js';
export { buildProbeBinary, probeBinary, probeCacheDir, ProbeBuildFailed } from './probe-binary.js';

// The pieces of a batch run: helper lines, each namespace's tasks, results into responses.
export { formatNamespacedTasks, formatTask, formatTasks, parseHelperLine } from './helper-lines.js';
export type { HelperLine, HelperTask, HelperWord } from './helper-lines.js';
export { planHelperJobs, netnsRefsOf, localCaptureWindowMs, modeOf } from './plan-helper-jobs.js';
export type { HelperJob, HelperPlan, PlannedRequest, RequestShape } from './plan-helper-jobs.js';
export { ResultCollector, notCarriedOut } from './collect-results.js';
export { combineCapturedAttempt } from './combine-attempts.js';

// The responder and the command line.
export { lastValue, parseArgv, portValues } from './parse-argv.js';
export type { ArgvResult, ArgvSpec, ParsedArgv } from './parse-argv.js';
export { BANNER, startResponder } from './respond.js';
export type { ResponderPorts, RunningResponder } from './respond.js';
export { EXIT, runAgent } from './agent-command.js';
export type { AgentIo } from './agent-command.js';
export { agentVersion } from './version.js';
export type { AgentVersion } from './version.js';
