/**
 * Where the agent's payload lives: `build/agent/` at the package root, in a checkout and
 * in the installed package alike (package.json `files` ships it). It holds exactly what
 * agent/Dockerfile copies into the image, plus a manifest saying what it was built from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PAYLOAD_FOLDER = 'build/agent';
/** The agent as one ESM file with its runtime dependencies and the package version inside. */
export const BUNDLE_FILE = 'netpol-assert-agent.mjs';
/** netpol-probe, linked statically against musl. */
export const PROBE_FILE = 'netpol-probe';
/** What the payload was built from (payload-manifest.ts); not part of the image. */
export const MANIFEST_FILE = 'payload.json';

export interface AgentPayload {
  /** The package root the payload belongs to. */
  readonly root: string;
  readonly folder: string;
  readonly bundle: string;
  readonly probe: string;
  readonly manifest: string;
}

export function agentPayload(root: string = packageRoot()): AgentPayload {
  const folder = join(root, PAYLOAD_FOLDER);
  return {
    root,
    folder,
    bundle: join(folder, BUNDLE_FILE),
    probe: join(folder, PROBE_FILE),
    manifest: join(folder, MANIFEST_FILE),
  };
}

/** The image's files, as paths relative to the package root (what the Dockerfile copies). */
export function payloadImageFiles(): readonly string[] {
  return [`${PAYLOAD_FOLDER}/${BUNDLE_FILE}`, `${PAYLOAD_FOLDER}/${PROBE_FILE}`];
}

let cachedRoot: string | undefined;

/** The folder of netpol-assert's package.json above this module (src/ or dist/src/). */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (packageNameAt(folder) === 'netpol-assert') return (cachedRoot = folder);
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no netpol-assert package.json above ${import.meta.url}`);
    folder = parent;
  }
}

/** A checkout has the TypeScript sources of the command line; the installed package has only dist/. */
export function isCheckout(root: string): boolean {
  return existsSync(join(root, 'src', 'cli', 'bin.ts'));
}

export function packageVersion(root: string = packageRoot()): string {
  const parsed = readPackageJson(root);
  if (typeof parsed?.version !== 'string') throw new Error(`${join(root, 'package.json')} has no version`);
  return parsed.version;
}

function packageNameAt(folder: string): unknown {
  return readPackageJson(folder)?.name;
}

function readPackageJson(folder: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
  } catch {
    return undefined;
  }
}
