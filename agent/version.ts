/**
 * The agent's version, from the package.json above it: `../package.json` next to the
 * image's bundle, `../../package.json` from a checkout or dist/agent.
 */
import { readFile } from 'node:fs/promises';
import { AGENT_PROTOCOL_VERSION } from './protocol.js';

export interface AgentVersion {
  readonly name: 'netpol-assert-agent';
  readonly version: string;
  readonly protocol: typeof AGENT_PROTOCOL_VERSION;
}

export async function agentVersion(): Promise<AgentVersion> {
  return { name: 'netpol-assert-agent', version: await packageVersion(), protocol: AGENT_PROTOCOL_VERSION };
}

async function packageVersion(): Promise<string> {
  for (const relative of ['../package.json', '../../package.json']) {
    const text = await readFile(new URL(relative, import.meta.url), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const parsed = JSON.parse(text) as { name?: unknown; version?: unknown };
    if (parsed.name === 'netpol-assert' && typeof parsed.version === 'string') return parsed.version;
  }
  return 'unknown';
}
