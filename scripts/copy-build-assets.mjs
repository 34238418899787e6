// After `tsc`, puts beside the compiled modules the files they find relative to
// themselves: C sources built on first use, the agent's manifest, the recipe packs.
// (The lab runs the agent's payload, build/agent/, which `npm run build:agent` makes.)
// (JSON the code imports, such as the suite schema, tsc copies itself.)
import { cp } from 'node:fs/promises';

const copies = [
  ['src/lab/responder/responder.c', 'dist/src/lab/responder/responder.c'],
  ['src/lab/link-faults/lossy-link.c', 'dist/src/lab/link-faults/lossy-link.c'],
  ['agent/native', 'dist/agent/native'],
  ['agent/manifests', 'dist/agent/manifests'],
  ['recipes', 'dist/recipes'],
];
for (const [from, to] of copies) await cp(from, to, { recursive: true });
