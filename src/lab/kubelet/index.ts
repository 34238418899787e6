// The emulated kubelet for every lab node.
export { startLabKubelet } from './kubelet.js';
export type { LabKubelet, LabKubeletOptions } from './kubelet.js';
// Its HTTPS endpoint (exec for kube-apiserver), usable on its own.
export { startKubeletServer } from './kubelet-server.js';
export type { ExecResolution, KubeletServer, KubeletServerOptions } from './kubelet-server.js';
export type { ExecTarget } from './exec-session.js';
// What it needs from the data plane.
export type {
  DataPlaneStatus,
  DesiredExternalHost,
  DesiredState,
  PodNetwork,
  PodStatus,
} from './pod-network.js';
// Its pure parts: the desired state from API objects, statuses, exec's protocol and placement.
export { desiredState, shouldRun } from './desired-from-api.js';
export type { ApiSnapshot } from './desired-from-api.js';
export { nodeObject, nodeStatus } from './node-object.js';
export type { LabNode, NodeEndpoint } from './node-object.js';
export {
  apiTime,
  imagePullFailedStatus,
  LAB_RUNTIME_SCHEME,
  pullMessage,
  runningPodStatus,
  statusIsCurrent,
} from './pod-status.js';
export type { ImagePullReason, PodRun, PullFailure } from './pod-status.js';
// The images it holds: the agent payload, under its references; which images are DNS servers or silent on UDP.
export {
  isDnsServerImage,
  isMissingImage,
  isOwnImage,
  isSilentUdpImage,
  missingImages,
  normalizeImage,
  runsDnsServer,
  runsSilentUdp,
} from './images.js';
export type { LoadedPayload, MissingImage } from './images.js';
export { awaitsBinding, requestedNode } from './pod-binder.js';
export { parseExecRequest } from './exec-request.js';
export type { ExecRequest } from './exec-request.js';
export { execStatus } from './exec-status.js';
export type { ExecOutcome, ExecStatus } from './exec-status.js';
export { Channel, chooseStreamProtocol, readClientMessage, STREAM_PROTOCOLS } from './stream-protocol.js';
export type { StreamProtocol } from './stream-protocol.js';
// Exec over SPDY/3.1, for kubectl before 1.30: frames, header compression, the session.
export {
  acceptSpdyExec,
  expectedStreams,
  offeredSpdyProtocols,
  SPDY_STREAM_PROTOCOL,
  switchingProtocolsResponse,
} from './spdy-exec-session.js';
export type { StreamType } from './spdy-exec-session.js';
export {
  controlFrame,
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  FLAG_FIN,
  FrameReader,
  FrameType,
  streamIdOf,
  synReplyPayload,
  synStreamPayload,
} from './spdy-frame.js';
export type { Frame } from './spdy-frame.js';
export { HeaderCodec } from './spdy-header-codec.js';
export { SPDY_HEADER_DICTIONARY } from './spdy-dictionary.js';
export { containerEnv, downwardField, execResolution, execTarget } from './exec-target.js';
export { serialTask } from './serial-task.js';
