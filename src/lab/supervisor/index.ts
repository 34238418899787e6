// The supervisor's record in the lab's state folder (src/lab/names/paths.ts).
export { readSupervisorRecord } from './supervisor-record.js';
export type { SupervisorPhase, SupervisorRecord } from './supervisor-record.js';
// The supervisor process: how it is started and what it runs.
export { spawnSupervisor, supervisorCommand } from './spawn-supervisor.js';
export { runSupervisor } from './run-supervisor.js';
export type { RunningSupervisor } from './run-supervisor.js';
export { labNodeNames, MAX_LAB_NODES, parseSupervisorConfig } from './supervisor-config.js';
export type { SupervisorConfig } from './supervisor-config.js';
// Talking to it, and finding the lab's processes.
export { askSupervisor } from './control-socket.js';
export type { SupervisorAnswer, SupervisorRequest } from './control-socket.js';
export { labOutsideHosts } from './outside-hosts.js';
export type { LabOutsideHost } from './outside-hosts.js';
export { isRunning, processesMentioning, processStartTime, terminateProcesses } from './process-table.js';
export type { RecordedProcess } from './process-table.js';
