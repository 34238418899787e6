/**
 * The agent's wire protocol, whole: what the runner writes to `netpol-assert-agent probe`
 * on stdin (one JSON batch per node and call) and what comes back on stdout (TAP 14, one
 * test point per request, streamed as each completes, with the response as its YAML
 * diagnostic block). TAP `ok` means the request was carried out, not that traffic was
 * allowed: the runner reads the observation.
 *
 *   stdin   {"version":1,"requests":[{"kind":"probe","id":"a","source":{"kind":"pod","uid":"…"},
 *            "ip":"10.0.0.7","port":8080,"protocol":"TCP","timeoutMs":1000,"attempts":1}]}
 *           stop c                     ← optional, later: capture `c` may end (formatStopCapture)
 *           go                         ← later: held probes may start (formatGo)
 *
 * A probe to port 53 asks a real DNS question (ProbeQuery), so a DNS server that never
 * echoes still shows the path open.
 *   stdout  TAP version 14
 *           # netpol-assert-agent protocol 1: 1 request
 *           # ready                    ← every capture is listening; probes start now
 *           ok 1 - a
 *             ---
 *             {"version":1,"id":"a","kind":"probe",…}   ← YAML: JSON is a flow mapping
 *             ...
 *           1..1
 *
 * A batch the agent cannot read gets `Bail out! <reason>` and exit status 2.
 */
import { isIP } from 'node:net';

export const AGENT_PROTOCOL_VERSION = 1 as const;
export type AgentProtocolVersion = typeof AGENT_PROTOCOL_VERSION;

/** A network namespace on the agent's node. */
export type NetnsRef =
  /** The pod's namespace, found from its UID in /proc/<pid>/cgroup. */
  | { readonly kind: 'pod'; readonly uid: string }
  /** A namespace file, e.g. `/run/netns/NAME` in the lab. */
  | { readonly kind: 'netns'; readonly path: string }
  /** The node's own namespace (`/proc/1/ns/net`): `node:` sources, hostNetwork pods. */
  | { readonly kind: 'host' };

export type WireProtocol = 'TCP' | 'UDP' | 'SCTP';

/**
 * How a UDP probe proves delivery: `echo` waits for the datagram to come back (our
 * responders echo); `capture` looks for it arriving inside the destination's namespace,
 * for destinations that are not ours (e.g. kube-dns).
 */
export type UdpProof = 'echo' | 'capture';

/**
 * What a probe says once it can, for destinations that answer only their own protocol.
 * `dns`: a DNS query (A `kubernetes.default.svc.cluster.local.`, a random ID per attempt;
 * over TCP after the handshake, with its 2-byte length prefix); a well-formed DNS
 * response with that ID is `connected` whatever its RCODE (NXDOMAIN, REFUSED and SERVFAIL
 * prove delivery too), and so is the query echoed unchanged (our responders). A reply
 * that is neither, or a TCP handshake with no DNS answer, is `error` (inconclusive),
 * never a deny. `none`: the plain probe (TCP handshake, UDP nonce echo).
 */
export type ProbeQuery = 'dns' | 'none';

/** Where a probe speaks DNS unless it says otherwise (`query`). */
export const DNS_PORT = 53;

/** The query a probe makes: as asked, else `dns` to port 53 over UDP (echo proof) or TCP, else `none`. */
export function probeQueryOf(
  request: Pick<ProbeRequest, 'port' | 'protocol' | 'udpProof' | 'query'>,
): ProbeQuery {
  if (request.query !== undefined) return request.query;
  const speaksDns =
    request.protocol === 'TCP' || (request.protocol === 'UDP' && request.udpProof !== 'capture');
  return request.port === DNS_PORT && speaksDns ? 'dns' : 'none';
}

export interface ProbeRequest {
  readonly kind: 'probe';
  /** Unique in the batch; names the test point. Printable, no spaces, `#` or `\`. */
  readonly id: string;
  readonly source: NetnsRef;
  readonly ip: string;
  readonly port: number;
  readonly protocol: WireProtocol;
  /** Per attempt. */
  readonly timeoutMs: number;
  /** Tried one after another; mixed observations mean flaky. */
  readonly attempts: number;
  /** Carried in UDP datagrams as `npa1 NONCE ATTEMPT\n`; made up when absent. [A-Za-z0-9._-]{1,64}. */
  readonly nonce?: string;
  /** UDP only; `echo` when absent. */
  readonly udpProof?: UdpProof;
  /** TCP and UDP; see ProbeQuery (absent: `dns` to port 53). */
  readonly query?: ProbeQuery;
  /**
   * With `udpProof: capture`: the destination's namespace when it is on this node; the
   * agent captures there itself and the observation is final. Without it the agent only
   * sends, observes `sent` (no ICMP error came back), and the runner pairs the probe with
   * a `capture` request it gave the destination's agent first (waiting for `# ready`).
   */
  readonly destination?: NetnsRef;
  /**
   * Waits after `# ready` until the runner's `go` line (or the end of stdin): a UDP send
   * to a capture on another node, which the runner releases once that capture listens.
   * The agent gets ready meanwhile, and its other probes go at once.
   */
  readonly hold?: true;
}

/** Listens inside `at` for UDP datagrams to `port` carrying `npa1 NONCE ATTEMPT`. */
export interface CaptureRequest {
  readonly kind: 'capture';
  readonly id: string;
  readonly at: NetnsRef;
  readonly port: number;
  readonly nonce: string;
  /** Attempts the sender will make; each is seen or not on its own. */
  readonly attempts: number;
  /**
   * The longest listening window from `# ready`: cover every attempt of the sender and the
   * runner's delay. The runner ends it sooner with `stop ID` once the sender is done.
   */
  readonly timeoutMs: number;
}

export type AgentRequest = ProbeRequest | CaptureRequest;

export interface AgentBatch {
  readonly version: AgentProtocolVersion;
  readonly requests: readonly AgentRequest[];
}

/**
 * What one probe attempt saw. `sent`: a UDP datagram left with no ICMP error back, the
 * destination's capture decides. `unsupported`: e.g. SCTP without kernel support.
 */
export const PROBE_OBSERVATIONS = [
  'connected',
  'refused',
  'timeout',
  'unreachable',
  'error',
  'unsupported',
  'sent',
] as const;
export const CAPTURE_OBSERVATIONS = ['seen', 'not-seen', 'error'] as const;
export type ProbeObservation = (typeof PROBE_OBSERVATIONS)[number];
export type CaptureObservation = (typeof CAPTURE_OBSERVATIONS)[number];

export interface AttemptResult<O extends string> {
  readonly observation: O;
  readonly elapsedMs: number;
  /**
   * errno or ICMP name (`ECONNREFUSED`, `icmp-3-13`), `echo`, `captured`; for DNS probes
   * the response's RCODE (`dns-NOERROR`, `dns-NXDOMAIN`, `dns-rcode-9`) or why a reply did
   * not count (`dns-malformed`, `dns-wrong-id`, `dns-closed`, `dns-no-reply`).
   */
  readonly detail?: string;
}

interface ResponseBase {
  readonly version: AgentProtocolVersion;
  readonly id: string;
  /** Wall time of the whole request. */
  readonly elapsedMs: number;
  /** The namespace the agent entered, for diagnostics. */
  readonly netns?: string;
  /** Why the request could not be carried out (pod not on this node, helper failed). */
  readonly reason?: string;
}

export interface ProbeResponse extends ResponseBase {
  readonly kind: 'probe';
  /** Every attempt's observation when they agree, else `mixed`. */
  readonly observation: ProbeObservation | 'mixed';
  readonly attempts: readonly AttemptResult<ProbeObservation>[];
}

export interface CaptureResponse extends ResponseBase {
  readonly kind: 'capture';
  readonly observation: CaptureObservation | 'mixed';
  readonly attempts: readonly AttemptResult<CaptureObservation>[];
}

export type AgentResponse = ProbeResponse | CaptureResponse;

/** Carried out: no attempt ended in `error`. */
export function isCarriedOut(response: AgentResponse): boolean {
  return response.attempts.length > 0 && response.attempts.every((a) => a.observation !== 'error');
}

/** The observation all attempts share, or `mixed`. */
export function summaryObservation<O extends string>(attempts: readonly AttemptResult<O>[]): O | 'mixed' {
  const first = attempts[0]?.observation;
  if (first === undefined) return 'mixed';
  return attempts.every((a) => a.observation === first) ? first : 'mixed';
}

// ---------------------------------------------------------------- the batch (stdin)

export type Decoded<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: string[] };

/**
 * What a batch may ask for. The runner's batches stay far below: a request is about 200
 * bytes, so 100,000 of them are about 20 MB of the 64 MiB a batch may take.
 */
export const LIMITS = {
  timeoutMs: 600_000,
  attempts: 100,
  requests: 100_000,
  batchBytes: 64 * 1024 * 1024,
  pathLength: 4096,
} as const;
const ID = /^[\x21-\x7e]{1,256}$/;
const NONCE = /^[A-Za-z0-9._-]{1,64}$/;
const POD_UID = /^[A-Za-z0-9_-]{1,64}$/;

export function encodeBatch(batch: AgentBatch): string {
  return JSON.stringify(batch) + '\n';
}

/**
 * After its batch, on the same stdin, the runner may end capture requests early, one line
 * each: `stop ID` once the sender of capture ID is done, so a datagram that never arrives
 * costs the sender's timeout rather than the capture's whole window. The capture ends
 * CAPTURE_STOP_GRACE_MS later (for datagrams still in flight); attempts not seen by then
 * are `not-seen`. Other lines are ignored, and so is the end of stdin: a capture the
 * runner never stops ends with its window. The batch is the first line (or all of stdin).
 */
export function formatStopCapture(id: string): string {
  return `stop ${id}\n`;
}

/** Held probes may start: every capture they send to listens. */
export function formatGo(): string {
  return 'go\n';
}

/** Whether a line after the batch is `go`. */
export function isGoLine(line: string): boolean {
  return line.trim() === 'go';
}

/** The capture a `stop ID` line ends, or undefined for any other line. */
export function parseStopCapture(line: string): string | undefined {
  return /^stop (\S+)$/.exec(line.trim())?.[1];
}

/** How long a stopped capture still listens: the sender's datagrams left a timeout ago or more. */
export const CAPTURE_STOP_GRACE_MS = 250;

/** Reads a batch, collecting every problem (with the request's index) before refusing it. */
export function decodeBatch(text: string): Decoded<AgentBatch> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not JSON: ${(error as Error).message}`] };
  }
  const problems: string[] = [];
  if (!isRecord(raw)) return { ok: false, problems: ['a batch is an object {version, requests}'] };
  if (raw.version !== AGENT_PROTOCOL_VERSION) {
    problems.push(`version ${JSON.stringify(raw.version)}: this agent speaks ${AGENT_PROTOCOL_VERSION}`);
  }
  if (!Array.isArray(raw.requests)) return { ok: false, problems: [...problems, 'requests: want a list'] };
  if (raw.requests.length > LIMITS.requests) problems.push(`more than ${LIMITS.requests} requests`);
  const ids = new Set<string>();
  const requests = raw.requests.map((request: unknown, index: number) => {
    const at = (problem: string) => problems.push(`requests[${index}]: ${problem}`);
    checkRequest(request, at);
    const id = isRecord(request) ? request.id : undefined;
    if (typeof id === 'string' && ids.has(id)) at(`id '${id}' is used twice`);
    if (typeof id === 'string') ids.add(id);
    return request as AgentRequest;
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { version: AGENT_PROTOCOL_VERSION, requests } };
}

type Problem = (text: string) => void;

function checkRequest(request: unknown, problem: Problem): void {
  if (!isRecord(request)) return problem('want an object');
  if (typeof request.id !== 'string' || !ID.test(request.id) || /[#\\]/.test(request.id)) {
    problem('id: want 1-256 printable characters without spaces, # or \\');
  }
  if (request.kind === 'probe') return checkProbe(request, problem);
  if (request.kind === 'capture') return checkCapture(request, problem);
  problem(`kind: want probe or capture, got ${JSON.stringify(request.kind)}`);
}

function checkProbe(request: Record<string, unknown>, problem: Problem): void {
  checkKeys(request, PROBE_KEYS, problem);
  checkNetns(request.source, 'source', problem);
  if (typeof request.ip !== 'string' || isIP(request.ip) === 0) problem('ip: want an IPv4 or IPv6 address');
  checkInteger(request.port, 'port', 1, 65535, problem);
  if (!['TCP', 'UDP', 'SCTP'].includes(request.protocol as string))
    problem('protocol: want TCP, UDP or SCTP');
  checkInteger(request.timeoutMs, 'timeoutMs', 1, LIMITS.timeoutMs, problem);
  checkInteger(request.attempts, 'attempts', 1, LIMITS.attempts, problem);
  if (request.nonce !== undefined) checkNonce(request.nonce, problem);
  if (request.udpProof !== undefined && request.udpProof !== 'echo' && request.udpProof !== 'capture') {
    problem('udpProof: want echo or capture');
  }
  if (request.udpProof !== undefined && request.protocol !== 'UDP') problem('udpProof: only for UDP');
  if (request.query !== undefined) checkQuery(request, problem);
  if (request.destination !== undefined) {
    checkNetns(request.destination, 'destination', problem);
    if (request.udpProof !== 'capture') problem('destination: only with udpProof capture');
  }
  if (request.hold !== undefined && request.hold !== true) problem('hold: want true, or no hold');
}

function checkQuery(request: Record<string, unknown>, problem: Problem): void {
  if (request.query !== 'dns' && request.query !== 'none') return problem('query: want dns or none');
  if (request.query !== 'dns') return;
  if (request.protocol !== 'TCP' && request.protocol !== 'UDP') problem('query dns: only for TCP and UDP');
  if (request.udpProof === 'capture')
    problem('query dns: not with udpProof capture (the capture matches the nonce)');
}

function checkCapture(request: Record<string, unknown>, problem: Problem): void {
  checkKeys(request, CAPTURE_KEYS, problem);
  checkNetns(request.at, 'at', problem);
  checkInteger(request.port, 'port', 1, 65535, problem);
  checkNonce(request.nonce, problem);
  checkInteger(request.attempts, 'attempts', 1, LIMITS.attempts, problem);
  checkInteger(request.timeoutMs, 'timeoutMs', 1, LIMITS.timeoutMs, problem);
}

const PROBE_KEYS = [
  'kind',
  'id',
  'source',
  'ip',
  'port',
  'protocol',
  'timeoutMs',
  'attempts',
  'nonce',
  'udpProof',
  'query',
  'destination',
  'hold',
];
const CAPTURE_KEYS = ['kind', 'id', 'at', 'port', 'nonce', 'attempts', 'timeoutMs'];

function checkKeys(request: Record<string, unknown>, known: readonly string[], problem: Problem): void {
  for (const key of Object.keys(request)) if (!known.includes(key)) problem(`unknown key '${key}'`);
}

function checkNetns(ref: unknown, name: string, problem: Problem): void {
  if (!isRecord(ref)) return problem(`${name}: want {kind: pod|netns|host, ...}`);
  switch (ref.kind) {
    case 'pod':
      if (typeof ref.uid !== 'string' || !POD_UID.test(ref.uid)) problem(`${name}.uid: want a pod UID`);
      return;
    case 'netns':
      if (
        typeof ref.path !== 'string' ||
        !ref.path.startsWith('/') ||
        ref.path.length > LIMITS.pathLength ||
        /[\0\n]/.test(ref.path)
      ) {
        problem(`${name}.path: want an absolute path of at most ${LIMITS.pathLength} characters`);
      }
      return;
    case 'host':
      return;
    default:
      problem(`${name}.kind: want pod, netns or host`);
  }
}

function checkNonce(nonce: unknown, problem: Problem): void {
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) problem('nonce: want 1-64 of [A-Za-z0-9._-]');
}

function checkInteger(value: unknown, name: string, min: number, max: number, problem: Problem): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problem(`${name}: want an integer from ${min} to ${max}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------- the results (stdout)

export const TAP_VERSION_LINE = 'TAP version 14';
/** Printed once every capture of the batch is listening, right before the probes start. */
export const READY_LINE = '# ready';

export function formatHeader(requestCount: number): string {
  const noun = requestCount === 1 ? 'request' : 'requests';
  return `${TAP_VERSION_LINE}\n# netpol-assert-agent protocol ${AGENT_PROTOCOL_VERSION}: ${requestCount} ${noun}\n`;
}

/**
 * One test point: `ok N - id` (or `not ok` when not carried out) and the response as its
 * YAML block, written as one line of JSON. JSON is YAML (a flow mapping), so any TAP
 * reader still reads the block; the runner reads a large run's tens of thousands of them
 * with JSON.parse, at a fraction of a YAML parser's cost (docs/benchmarks.md, bench/scale).
 */
export function formatResult(number: number, response: AgentResponse): string {
  const status = isCarriedOut(response) ? 'ok' : 'not ok';
  return `${status} ${number} - ${response.id}\n  ---\n  ${JSON.stringify(response)}\n  ...\n`;
}

export function formatPlan(count: number): string {
  return `1..${count}\n`;
}

export function formatBailOut(reason: string): string {
  return `Bail out! ${reason.replace(/\s+/g, ' ')}\n`;
}
