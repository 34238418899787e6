/** The agent as it ships: the payload agent/Dockerfile copies, built, located and kept fresh. */

// Where it lives and what it holds.
export {
  agentPayload,
  BUNDLE_FILE,
  isCheckout,
  MANIFEST_FILE,
  packageRoot,
  packageVersion,
  PAYLOAD_FOLDER,
  payloadImageFiles,
  PROBE_FILE,
} from './payload-layout.js';
export type { AgentPayload } from './payload-layout.js';
export { payloadImages, readPayloadManifest } from './payload-manifest.js';
export type { PayloadFile, PayloadManifest } from './payload-manifest.js';
export { payloadSources } from './payload-sources.js';
export type { PayloadSources } from './payload-sources.js';

// Building it (npm run build:agent), and using it only when it is fresh.
export { buildAgentPayload, PayloadBuildFailed } from './build-payload.js';
export type { BuiltPayload } from './build-payload.js';
export { AgentPayloadMissing, ensureAgentPayload, payloadState } from './ensure-payload.js';
export type { PayloadState, ReadyPayload } from './ensure-payload.js';
export { isStaticElf } from './static-elf.js';
