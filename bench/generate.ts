/**
 * Generation at scale: cases derived from 500 policies on a synthetic cluster of 5,000
 * pods in 100 namespaces (the model benchmark's cluster), each case's expectation from
 * the model, narrowed until its pairs agree. Reproducible (seeded).
 * Run: node --import tsx bench/generate.ts
 * Target: under 5 s on the 2-core CI machine.
 */
import { performance } from 'node:perf_hooks';
import { generateCases } from '../src/generate/index.js';
import { generateAssertions } from '../src/generate/index.js';
import { syntheticCluster } from './synthetic-cluster.js';

const SIZE = { namespaces: 100, pods: 5_000, nodes: 50, policies: 500, seed: 20_240_601 };
const TARGET_SECONDS = 5;

const { state } = syntheticCluster(SIZE);

const casesStart = performance.now();
const cases = generateCases(state);
const casesMs = performance.now() - casesStart;

const start = performance.now();
const assertions = generateAssertions(state);
const seconds = (performance.now() - start) / 1000;

const count = (expect: string): number => assertions.filter((a) => a.expect === expect).length;
const tagged = (tag: string): number =>
  assertions.filter((a) => a.origin.kind === 'generated' && a.origin.tags.includes(tag)).length;
console.log(
  `cluster: ${SIZE.pods} pods, ${SIZE.namespaces} namespaces, ${SIZE.nodes} nodes, ${SIZE.policies} policies (seed ${SIZE.seed})`,
);
console.log(`candidate cases: ${cases.length.toLocaleString('en-US')} in ${casesMs.toFixed(0)} ms`);
console.log(
  `cases generated: ${assertions.length.toLocaleString('en-US')} (${count('allow')} allow, ${count('deny')} deny; ${tagged('positive')} positive, ${tagged('negative')} negative), ${cases.length - assertions.length} left out`,
);
console.log(`wall time: ${seconds.toFixed(2)} s (target < ${TARGET_SECONDS} s)`);
console.log(`peak memory: rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(1)} MB`);
if (seconds >= TARGET_SECONDS) process.exitCode = 1;
