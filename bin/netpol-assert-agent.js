#!/usr/bin/env node
// In a checkout (src/ present) runs the agent's TypeScript through tsx, so what runs is
// what was edited; an installed package runs the compiled dist/. The image bundles it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const checkout = existsSync(fileURLToPath(new URL('../src/cli/bin.ts', import.meta.url)));
if (checkout) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../agent/main.ts', import.meta.url).href);
} else {
  await import(new URL('../dist/agent/main.js', import.meta.url).href);
}
