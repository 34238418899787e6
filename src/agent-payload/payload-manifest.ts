/**
 * `build/agent/payload.json`: what a payload was built from and what it holds. A
 * checkout compares `sources` with the sources it has to tell a stale payload; the lab
 * reads `images`, the references under which it "has" this payload loaded, as a kind
 * node has what `kind load docker-image` gave it.
 */
import { readFile } from 'node:fs/promises';
import { AGENT_IMAGE_REPOSITORY } from '../shared/index.js';

export interface PayloadFile {
  readonly bytes: number;
  readonly sha256: string;
}

export interface PayloadManifest {
  readonly kind: 'netpol-assert-agent-payload';
  readonly version: string;
  /** payload-sources.ts's hash of what the payload was built from. */
  readonly sources: string;
  readonly images: readonly string[];
  readonly files: Readonly<Record<string, PayloadFile>>;
}

/**
 * The references a payload is known by: the published image at this version, the tag
 * agent/Dockerfile suggests building locally, and the development tag the lab's own
 * test fixtures use.
 */
export function payloadImages(version: string): readonly string[] {
  return [
    `${AGENT_IMAGE_REPOSITORY}:${version}`,
    `netpol-assert-agent:${version}`,
    'netpol-assert-agent:dev',
  ];
}

/** The manifest, or undefined when it is missing or not one. */
export async function readPayloadManifest(path: string): Promise<PayloadManifest | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<PayloadManifest>;
    const valid =
      parsed.kind === 'netpol-assert-agent-payload' &&
      typeof parsed.version === 'string' &&
      typeof parsed.sources === 'string' &&
      Array.isArray(parsed.images) &&
      parsed.images.every((image) => typeof image === 'string') &&
      typeof parsed.files === 'object' &&
      parsed.files !== null;
    return valid ? (parsed as PayloadManifest) : undefined;
  } catch {
    return undefined;
  }
}
