/** The responder: a small C program in every lab pod and outside host that accepts TCP/SCTP and echoes UDP. */

// Built on first use from responder.c into a cache keyed by the source's hash.
export { defaultCacheDir, responderBinary } from './binary.js';
// One process per pod or outside host, inside its namespace and cgroups.
export { listenSpec, ResponderFailed, startResponder } from './process.js';
export type { ListenPort, RunningResponder } from './process.js';
