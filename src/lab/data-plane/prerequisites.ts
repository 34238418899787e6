/**
 * What must hold before a lab is made: root, the tools, sane address ranges, a known
 * `--cni` mode, and no lab of the same name already there.
 */
import type { Block } from '../addresses/index.js';
import { blockWithin, LAB_BLOCK, parseBlock } from '../addresses/index.js';
import type { CniMode, LinkFaults } from '../enforcer/index.js';
import { parseCniMode } from '../enforcer/index.js';
import type { LabNames } from '../names/index.js';
import { listNetns, runCommand } from '../host/index.js';
import { readLabRecord } from './state-store.js';

/** The lab cannot run here (not root, a tool missing) or cannot be made (name taken). */
export class LabUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabUnavailable';
  }
}

/** The enforcement mode and the pod links' faults (`MODE+lossy`) of a `--cni` value. */
export function resolveCni(cni: CniMode | string | undefined): { mode: CniMode; links?: LinkFaults } {
  if (cni === undefined) return { mode: { kind: 'full' } };
  if (typeof cni !== 'string') return { mode: cni };
  const parsed = parseCniMode(cni);
  if (!parsed.ok) throw new LabUnavailable(parsed.problem);
  return parsed.links === undefined ? { mode: parsed.mode } : { mode: parsed.mode, links: parsed.links };
}

export function labBlock(text: string, what: string): Block {
  const block = parseBlock(text);
  if (block === undefined || !blockWithin(block, LAB_BLOCK) || block.prefix > 30) {
    throw new LabUnavailable(`${what} ${text} must be a CIDR block inside 198.18.0.0/15, /30 or larger`);
  }
  return block;
}

export async function checkPrerequisites(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new LabUnavailable('the lab needs root (network namespaces, nftables, cgroups)');
  }
  for (const [tool, args, hint] of [
    ['ip', ['-V'], 'iproute2'],
    ['nft', ['--version'], 'nftables'],
  ] as const) {
    try {
      await runCommand(tool, args);
    } catch (error) {
      throw new LabUnavailable(`the lab needs '${tool}' (apt-get install ${hint})`, { cause: error });
    }
  }
}

export async function refuseExisting(names: LabNames, stateRoot: string): Promise<void> {
  const leftovers = (await listNetns()).filter((name) => names.owns(name));
  const record = await readLabRecord(stateRoot, names.lab);
  if (leftovers.length > 0 || record !== undefined) {
    throw new LabUnavailable(
      `lab ${names.lab} already exists (${leftovers.length} namespaces${record === undefined ? '' : `, owner pid ${record.ownerPid}`}); ` +
        "run 'netpol-assert lab down' first",
    );
  }
}
