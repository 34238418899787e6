/**
 * The payload the lab and the tests run, never stale without a word. In a checkout a
 * payload that is missing, incomplete or built from other sources (payload.json's hash)
 * is rebuilt on the spot by the same builder `npm run build:agent` runs (about a
 * second). The installed package ships its payload (built by `prepack`) and never
 * rebuilds: there the payload only has to be there.
 */
import { access, constants } from 'node:fs/promises';
import { buildAgentPayload } from './build-payload.js';
import { agentPayload, isCheckout, packageRoot, packageVersion } from './payload-layout.js';
import type { AgentPayload } from './payload-layout.js';
import { readPayloadManifest } from './payload-manifest.js';
import type { PayloadManifest } from './payload-manifest.js';
import { payloadSources } from './payload-sources.js';

export interface ReadyPayload extends AgentPayload {
  readonly images: readonly string[];
  readonly version: string;
  /** Whether this call built it. */
  readonly rebuilt: boolean;
}

export class AgentPayloadMissing extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentPayloadMissing';
  }
}

export type PayloadState =
  | { readonly fresh: true; readonly manifest: PayloadManifest }
  | { readonly fresh: false; readonly why: string };

/** Whether the payload at `root` is whole and built from the sources there now. */
export async function payloadState(payload: AgentPayload, checkSources: boolean): Promise<PayloadState> {
  const manifest = await readPayloadManifest(payload.manifest);
  if (manifest === undefined) return { fresh: false, why: `${payload.manifest} is missing` };
  for (const file of [payload.bundle, payload.probe]) {
    const executable = await access(file, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!executable) return { fresh: false, why: `${file} is missing` };
  }
  if (!checkSources) return { fresh: true, manifest };
  const sources = await payloadSources(payload.root, packageVersion(payload.root));
  if (sources.hash !== manifest.sources)
    return { fresh: false, why: 'the agent sources changed since it was built' };
  return { fresh: true, manifest };
}

export async function ensureAgentPayload(root: string = packageRoot()): Promise<ReadyPayload> {
  const payload = agentPayload(root);
  const checkout = isCheckout(root);
  const state = await payloadState(payload, checkout);
  if (state.fresh) return ready(payload, state.manifest, false);
  if (!checkout)
    throw new AgentPayloadMissing(
      `the agent payload of this installation is incomplete: ${state.why} (reinstall netpol-assert)`,
    );
  const built = await buildAgentPayload(root).catch((error: unknown) => {
    throw new AgentPayloadMissing(
      `the agent payload is stale (${state.why}) and could not be rebuilt: ` +
        `${error instanceof Error ? error.message : String(error)}; run npm run build:agent`,
    );
  });
  return ready(payload, built.manifest, true);
}

function ready(payload: AgentPayload, manifest: PayloadManifest, rebuilt: boolean): ReadyPayload {
  return { ...payload, images: manifest.images, version: manifest.version, rebuilt };
}
