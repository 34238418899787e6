/**
 * The agent's version: embedded in the image's bundle by its builder
 * (src/agent-payload/build-payload.ts), else from the package.json above this module
 * (`../package.json` from a checkout's agent/, `../../package.json` from dist/agent).
 */
import { readFile } from 'node:fs/promises';
import { AGENT_PROTOCOL_VERSION } from './protocol.js';

/** Replaced by the bundler with the version string; not defined when run from source. */
declare const NETPOL_ASSERT_EMBEDDED_VERSION: string | undefined;

export interface AgentVersion {
  readonly name: 'netpol-assert-agent';
  readonly version: string;
  readonly protocol: typeof AGENT_PROTOCOL_VERSION;
}

export async function agentVersion(): Promise<AgentVersion> {
  return { name: 'netpol-assert-agent', version: await packageVersion(), protocol: AGENT_PROTOCOL_VERSION };
}

async function packageVersion(): Promise<string> {
  if (typeof NETPOL_ASSERT_EMBEDDED_VERSION === 'string') return NETPOL_ASSERT_EMBEDDED_VERSION;
  for (const relative of ['../package.json', '../../package.json']) {
    const text = await readFile(new URL(relative, import.meta.url), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const parsed = JSON.parse(text) as { name?: unknown; version?: unknown };
    if (parsed.name === 'netpol-assert' && typeof parsed.version === 'string') return parsed.version;
  }
  return 'unknown';
}
