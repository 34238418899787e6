/**
 * An outside host: a namespace on the fabric with a documentation address and a responder;
 * one that serves port 53 is a DNS server, so dnsmasq answers there (a probe to port 53
 * asks a real DNS question, agent/protocol.ts).
 */
import { canonicalAddress } from '../addresses/index.js';
import type { DesiredExternalHost } from './desired-state.js';
import type { LabContext } from './context.js';
import { deleteNetns } from '../host/index.js';
import type { RunningResponder } from '../responder/index.js';
import { startResponder } from '../responder/index.js';
import { DNS_SERVER_PORT, startDnsServer } from '../dns-server/index.js';
import type { RunningDnsServer } from '../dns-server/index.js';
import { createOutsideHost, deleteLink } from './topology.js';

export interface OutsideHostEntry {
  readonly name: string;
  readonly fingerprint: string;
  readonly address: string;
  readonly netns: string;
  readonly fabricLink: string;
  readonly responder: RunningResponder;
  /** dnsmasq, when the host serves port 53 (UDP or TCP, IPv4). */
  readonly dnsServer?: RunningDnsServer;
}

export function outsideHostFingerprint(host: DesiredExternalHost): string {
  const ports = host.ports.map((port) => `${port.protocol}:${port.port}`).sort();
  return JSON.stringify([canonicalAddress(host.address), ports]);
}

/** A host that declares port 53 over UDP or TCP gets a DNS server there, as hosts on 53 are. */
function servesDns(host: DesiredExternalHost, address: string): boolean {
  return (
    !address.includes(':') &&
    host.ports.some((port) => port.port === DNS_SERVER_PORT && port.protocol !== 'SCTP')
  );
}

export async function createOutsideHostEntry(
  context: LabContext,
  host: DesiredExternalHost,
): Promise<OutsideHostEntry> {
  const address = canonicalAddress(host.address);
  if (address === undefined) throw new Error(`outside host ${host.name}: bad address ${host.address}`);
  const netns = context.names.outsideNetns(host.name);
  const fabricLink = context.names.outsideFabricLink(host.name);
  const dns = servesDns(host, address);
  let dnsServer: RunningDnsServer | undefined;
  try {
    await createOutsideHost(context.names.fabricNetns, { netns, fabricLink, address }, context.nodeBlock);
    if (dns) dnsServer = await startDnsServer(netns, { listen: address });
    const ports = dns
      ? host.ports.filter((port) => port.port !== DNS_SERVER_PORT || port.protocol === 'SCTP')
      : host.ports;
    const responder = await startResponder(context.responderBinary, netns, ports);
    return {
      name: host.name,
      fingerprint: outsideHostFingerprint(host),
      address,
      netns,
      fabricLink,
      responder,
      ...(dnsServer === undefined ? {} : { dnsServer }),
    };
  } catch (error) {
    await dnsServer?.stop();
    await deleteLink(context.names.fabricNetns, fabricLink).catch(() => undefined);
    await deleteNetns(netns).catch(() => undefined);
    throw error;
  }
}

/** The host's processes, stopped (SIGTERM, then SIGKILL). */
export async function stopOutsideHostProcesses(entry: OutsideHostEntry): Promise<void> {
  await Promise.all([entry.responder.stop(), entry.dnsServer?.stop()]);
}

export async function deleteOutsideHostEntry(context: LabContext, entry: OutsideHostEntry): Promise<void> {
  await stopOutsideHostProcesses(entry);
  await deleteLink(context.names.fabricNetns, entry.fabricLink);
  await deleteNetns(entry.netns);
}
