#!/usr/bin/env node
// In a checkout (src/ present) runs the TypeScript sources through tsx, so what runs is
// what was edited; an installed package runs the bundle `npm run build` makes in
// dist/bundle/cli/ (src/cli-bundle): a few files load quicker than hundreds of modules.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli/bin.ts', import.meta.url);
if (existsSync(fileURLToPath(source))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/bundle/cli/netpol-assert.js', import.meta.url).href);
}
