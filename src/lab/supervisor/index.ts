// Where a lab keeps its state, and the supervisor's record of it.
export { DEFAULT_LAB_NAME, labPaths } from './lab-paths.js';
export type { LabPaths } from './lab-paths.js';
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
export { isRunning, processesMentioning, processStartTime } from './process-table.js';
export type { RecordedProcess } from './process-table.js';
