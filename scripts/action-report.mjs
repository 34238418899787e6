#!/usr/bin/env node
// The GitHub Action's last move (action.yml): outputs and job summary from the run's JSON
// report. Like bin/netpol-assert.js: the TypeScript sources in a checkout, dist/ otherwise.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/action/main.ts', import.meta.url);
if (existsSync(fileURLToPath(source))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/src/action/main.js', import.meta.url).href);
}
