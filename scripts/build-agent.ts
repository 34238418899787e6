/**
 * `npm run build:agent`: builds the agent's payload into build/agent/ (the files
 * agent/Dockerfile copies) and says what it made.
 */
import { relative } from 'node:path';
import { buildAgentPayload } from '../src/agent-payload/index.js';

const built = await buildAgentPayload();
const { payload, manifest } = built;
const shown = (path: string) => relative(process.cwd(), path) || '.';
process.stdout.write(`build:agent: netpol-assert-agent ${manifest.version} in ${built.elapsedMs} ms\n`);
for (const [path, file] of [
  [payload.bundle, manifest.files['netpol-assert-agent.mjs']],
  [payload.probe, manifest.files['netpol-probe']],
] as const) {
  process.stdout.write(
    `  ${shown(path)}  ${file?.bytes ?? '?'} bytes  sha256 ${file?.sha256.slice(0, 16) ?? '?'}\n`,
  );
}
process.stdout.write(`  ${shown(payload.manifest)}  sources ${manifest.sources.slice(0, 16)}\n`);
process.stdout.write(`  images: ${manifest.images.join(', ')}\n`);
