/**
 * An outside address as a source. Only the lab can send from one: its outside hosts are
 * network namespaces it made, with documentation addresses, on the machine where it runs
 * every agent, so any agent can enter one by its namespace file. The command line hands
 * the lab's in (`OutsideSources`); on any other cluster there is none, and such a pair is
 * judged offline only. A probe is sent only from a host whose own address is the source:
 * never from some other address standing in for it.
 */
import type { NetnsRef } from '../../agent/protocol.js';
import type { ProbePair, ProbePlan } from '../plan/index.js';
import { normalizeIp } from '../shared/index.js';

/** One outside host a probe can be sent from. */
export interface OutsideSource {
  readonly name: string;
  readonly address: string;
  /** Its network namespace file, which every agent of the cluster can enter (`/run/netns/NAME`). */
  readonly netnsPath: string;
}

/** What a cluster with outside hosts (the lab) offers a live run. */
export interface OutsideSources {
  /** Whose hosts they are, for the report: `lab 'default'`. */
  readonly owner: string;
  /** The hosts there are now: asked once per run that needs them, after its setup made its own. */
  list(): Promise<readonly OutsideSource[]>;
}

/** The outside hosts of one run. */
export interface OutsideHosts {
  readonly owner: string;
  readonly hosts: readonly OutsideSource[];
}

export const OFFLINE_ONLY_SOURCE =
  'an outside address is a source only in the lab and offline (predict): this cluster has no outside host to send from';

/** `node:NAME` as a source: the planner gives it the node's address, which no outside host has. */
export const NODE_SOURCE = "a node's host network as a source is judged offline only (predict)";

/** Reads the hosts when the plan has an address as a source and the cluster has hosts; else none. */
export async function outsideHostsFor(
  plan: ProbePlan,
  sources: OutsideSources | undefined,
): Promise<OutsideHosts | undefined> {
  if (sources === undefined) return undefined;
  if (![...plan.pairs.values()].some((pair) => pair.source.kind === 'address')) return undefined;
  return { owner: sources.owner, hosts: await sources.list() };
}

type AddressEndpoint = Extract<ProbePair['source'], { kind: 'address' }>;

/** The namespace to send from for an address as a source, or why nothing may be sent for it. */
export function outsideSender(source: AddressEndpoint, known: OutsideHosts | undefined): NetnsRef | string {
  if (source.display.startsWith('node:')) return NODE_SOURCE;
  if (known === undefined) return OFFLINE_ONLY_SOURCE;
  const address = normalizeIp(source.ip);
  const host = known.hosts.find(
    (candidate) => address !== undefined && normalizeIp(candidate.address) === address,
  );
  if (host !== undefined) return { kind: 'netns', path: host.netnsPath };
  const hosts = known.hosts.map((h) => `${h.name} ${h.address}`).join(', ');
  return (
    `${source.display} is not one of ${known.owner}'s outside hosts (${hosts === '' ? 'it has none' : hosts}): ` +
    'a probe is sent only from an outside host with that address'
  );
}
