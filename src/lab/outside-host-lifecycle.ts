/** An outside host: a namespace on the fabric with a documentation address and a responder. */
import { canonicalAddress } from './address.js';
import type { DesiredExternalHost } from './desired-state.js';
import type { LabContext } from './lab-context.js';
import { deleteNetns } from './netns.js';
import type { RunningResponder } from './responder-process.js';
import { startResponder } from './responder-process.js';
import { createOutsideHost, deleteLink } from './topology.js';

export interface OutsideHostEntry {
  readonly name: string;
  readonly fingerprint: string;
  readonly address: string;
  readonly netns: string;
  readonly fabricLink: string;
  readonly responder: RunningResponder;
}

export function outsideHostFingerprint(host: DesiredExternalHost): string {
  const ports = host.ports.map((port) => `${port.protocol}:${port.port}`).sort();
  return JSON.stringify([canonicalAddress(host.address), ports]);
}

export async function createOutsideHostEntry(
  context: LabContext,
  host: DesiredExternalHost,
): Promise<OutsideHostEntry> {
  const address = canonicalAddress(host.address);
  if (address === undefined) throw new Error(`outside host ${host.name}: bad address ${host.address}`);
  const netns = context.names.outsideNetns(host.name);
  const fabricLink = context.names.outsideFabricLink(host.name);
  try {
    await createOutsideHost(context.names.fabricNetns, { netns, fabricLink, address }, context.nodeBlock);
    const responder = await startResponder(context.responderBinary, netns, host.ports);
    return {
      name: host.name,
      fingerprint: outsideHostFingerprint(host),
      address,
      netns,
      fabricLink,
      responder,
    };
  } catch (error) {
    await deleteLink(context.names.fabricNetns, fabricLink).catch(() => undefined);
    await deleteNetns(netns).catch(() => undefined);
    throw error;
  }
}

export async function deleteOutsideHostEntry(context: LabContext, entry: OutsideHostEntry): Promise<void> {
  await entry.responder.stop();
  await deleteLink(context.names.fabricNetns, entry.fabricLink);
  await deleteNetns(entry.netns);
}
