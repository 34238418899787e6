// After `tsc`, puts beside the compiled modules the files they find relative to
// themselves: C sources built on first use, the agent's manifest, the lab's agent shim,
// the recipe packs.
// (JSON the code imports, such as the suite schema, tsc copies itself.)
import { cp, mkdir, rm, symlink } from 'node:fs/promises';

const copies = [
  ['src/lab/responder/responder.c', 'dist/src/lab/responder/responder.c'],
  ['agent/native', 'dist/agent/native'],
  ['agent/manifests', 'dist/agent/manifests'],
  ['recipes', 'dist/recipes'],
];
for (const [from, to] of copies) await cp(from, to, { recursive: true });

await mkdir('dist/agent/lab-bin', { recursive: true });
await rm('dist/agent/lab-bin/netpol-assert-agent', { force: true });
await symlink('../../../bin/netpol-assert-agent.js', 'dist/agent/lab-bin/netpol-assert-agent');
