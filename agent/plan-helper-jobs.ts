/**
 * A batch as helper jobs: one netpol-probe per distinct namespace, holding every task to
 * run there. Pure. Each request `i` owns two task indexes: `2i` for its probe part (in
 * the source's namespace) and `2i + 1` for its capture part (in the destination's).
 */
import type { HelperTask } from './helper-lines.js';
import { assertNever } from './never.js';
import { probeQueryOf } from './protocol.js';
import type { AgentRequest, CaptureRequest, NetnsRef, ProbeRequest } from './protocol.js';
import { netnsRefKey } from './resolve-netns.js';
import type { ResolvedNetns } from './resolve-netns.js';

export interface HelperJob {
  readonly identity: string;
  readonly netnsPath: string;
  readonly tasks: HelperTask[];
}

/** How a request's parts make its response. */
export type RequestShape =
  | 'probe' // the probe part alone (TCP, SCTP, UDP echo, UDP send-only)
  | 'capture' // the capture part alone (a capture request)
  | 'probe-with-capture'; // UDP sent here and captured at a destination on this node

export interface PlannedRequest {
  readonly request: AgentRequest;
  readonly shape: RequestShape;
  /** The namespace the request runs in (the source's, or the capture's). */
  readonly netns: string;
  /** The nonce the datagrams carry, for UDP. */
  readonly nonce?: string;
}

export interface HelperPlan {
  readonly jobs: readonly HelperJob[];
  /** By request index. */
  readonly planned: ReadonlyMap<number, PlannedRequest>;
  readonly unresolved: readonly {
    readonly index: number;
    readonly request: AgentRequest;
    readonly reason: string;
  }[];
}

export const probePart = (requestIndex: number) => 2 * requestIndex;
export const capturePart = (requestIndex: number) => 2 * requestIndex + 1;
export const requestOfPart = (part: number) => Math.floor(part / 2);
export const isCapturePart = (part: number) => part % 2 === 1;

/** The capture window of a probe captured on this node: every attempt, plus one timeout of grace. */
export function localCaptureWindowMs(request: ProbeRequest): number {
  return (request.attempts + 1) * request.timeoutMs;
}

/** The namespaces a request needs. */
export function netnsRefsOf(request: AgentRequest): NetnsRef[] {
  switch (request.kind) {
    case 'probe':
      return request.destination !== undefined && request.udpProof === 'capture'
        ? [request.source, request.destination]
        : [request.source];
    case 'capture':
      return [request.at];
    default:
      return assertNever(request);
  }
}

export function planHelperJobs(
  requests: readonly AgentRequest[],
  resolved: ReadonlyMap<string, ResolvedNetns>,
  makeNonce: () => string,
): HelperPlan {
  const jobs = new Map<string, HelperJob>();
  const planned = new Map<number, PlannedRequest>();
  const unresolved: { index: number; request: AgentRequest; reason: string }[] = [];
  const jobFor = (ref: NetnsRef): HelperJob => {
    const found = resolved.get(netnsRefKey(ref));
    if (found === undefined || !found.ok) throw new Error(`unresolved ${netnsRefKey(ref)}`);
    let job = jobs.get(found.identity);
    if (job === undefined) {
      job = { identity: found.identity, netnsPath: found.path, tasks: [] };
      jobs.set(found.identity, job);
    }
    return job;
  };
  requests.forEach((request, index) => {
    const reasons = netnsRefsOf(request).flatMap((ref) => {
      const found = resolved.get(netnsRefKey(ref));
      if (found === undefined) return [`${netnsRefKey(ref)} was not resolved`];
      return found.ok ? [] : [found.reason];
    });
    if (reasons.length > 0) {
      unresolved.push({ index, request, reason: reasons.join('; ') });
      return;
    }
    planned.set(index, planRequest(request, index, jobFor, makeNonce));
  });
  return { jobs: [...jobs.values()], planned, unresolved };
}

function planRequest(
  request: AgentRequest,
  index: number,
  jobFor: (ref: NetnsRef) => HelperJob,
  makeNonce: () => string,
): PlannedRequest {
  switch (request.kind) {
    case 'probe':
      return planProbe(request, index, jobFor, makeNonce);
    case 'capture':
      return planCapture(request, index, jobFor);
    default:
      return assertNever(request);
  }
}

function planProbe(
  request: ProbeRequest,
  index: number,
  jobFor: (ref: NetnsRef) => HelperJob,
  makeNonce: () => string,
): PlannedRequest {
  const nonce = request.nonce ?? makeNonce();
  const source = jobFor(request.source);
  const capture = request.protocol === 'UDP' && request.udpProof === 'capture';
  source.tasks.push({
    kind: 'probe',
    index: probePart(index),
    mode: capture ? 'udp-send' : modeOf(request),
    ip: request.ip,
    port: request.port,
    timeoutMs: request.timeoutMs,
    attempts: request.attempts,
    nonce,
  });
  if (!capture || request.destination === undefined) {
    return { request, shape: 'probe', netns: source.netnsPath, nonce };
  }
  jobFor(request.destination).tasks.push({
    kind: 'capture',
    index: capturePart(index),
    port: request.port,
    timeoutMs: localCaptureWindowMs(request),
    attempts: request.attempts,
    nonce,
  });
  return { request, shape: 'probe-with-capture', netns: source.netnsPath, nonce };
}

function planCapture(
  request: CaptureRequest,
  index: number,
  jobFor: (ref: NetnsRef) => HelperJob,
): PlannedRequest {
  const job = jobFor(request.at);
  job.tasks.push({
    kind: 'capture',
    index: capturePart(index),
    port: request.port,
    timeoutMs: request.timeoutMs,
    attempts: request.attempts,
    nonce: request.nonce,
  });
  return { request, shape: 'capture', netns: job.netnsPath, nonce: request.nonce };
}

/**
 * The tasks that start at once, and those held for the runner's `go` (the probe parts of
 * held requests), each still grouped by namespace: the held ones go to a helper of their
 * own, which gets `go` later.
 */
export function splitHeld(
  jobs: readonly HelperJob[],
  requests: readonly AgentRequest[],
): { readonly now: HelperJob[]; readonly held: HelperJob[] } {
  const isHeld = (task: HelperTask): boolean => {
    const request = requests[requestOfPart(task.index)];
    return task.kind === 'probe' && request?.kind === 'probe' && request.hold === true;
  };
  const now: HelperJob[] = [];
  const held: HelperJob[] = [];
  for (const job of jobs) {
    const heldTasks = job.tasks.filter(isHeld);
    const nowTasks = job.tasks.filter((task) => !isHeld(task));
    if (nowTasks.length > 0) now.push({ ...job, tasks: nowTasks });
    if (heldTasks.length > 0) held.push({ ...job, tasks: heldTasks });
  }
  return { now, held };
}

/** netpol-probe's mode: the protocol, and DNS where the probe asks a DNS question. */
export function modeOf(
  request: Pick<ProbeRequest, 'port' | 'protocol' | 'udpProof' | 'query'>,
): 'tcp' | 'udp' | 'sctp' | 'dns-tcp' | 'dns-udp' {
  const dns = probeQueryOf(request) === 'dns';
  const protocol = request.protocol;
  switch (protocol) {
    case 'TCP':
      return dns ? 'dns-tcp' : 'tcp';
    case 'UDP':
      return dns ? 'dns-udp' : 'udp';
    case 'SCTP':
      return 'sctp';
    default:
      return assertNever(protocol);
  }
}
