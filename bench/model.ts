/**
 * The model's throughput: `allows` over 1,000,000 random queries on a synthetic cluster
 * of 5,000 pods in 100 namespaces with 500 policies. Reproducible (seeded).
 * Run: node --import tsx bench/model.ts [--queries N]
 * Target: >= 1,000,000 verdicts/s and < 500 MB resident.
 */
import { performance } from 'node:perf_hooks';
import { PolicyEngine } from '../src/policy/index.js';
import { randomTraffic, syntheticCluster } from './synthetic-cluster.js';

const SIZE = { namespaces: 100, pods: 5_000, nodes: 50, policies: 500, seed: 20_240_601 };
const queriesFlag = process.argv.indexOf('--queries');
const QUERIES = queriesFlag === -1 ? 1_000_000 : Number(process.argv[queriesFlag + 1]);

const peak = { rss: 0, heapUsed: 0 };
function sampleMemory(): void {
  const { rss, heapUsed } = process.memoryUsage();
  peak.rss = Math.max(peak.rss, rss);
  peak.heapUsed = Math.max(peak.heapUsed, heapUsed);
}

const { state } = syntheticCluster(SIZE);
const queries = randomTraffic(state, QUERIES, SIZE.seed + 1);
sampleMemory();

const buildStart = performance.now();
const engine = new PolicyEngine(state);
const buildMs = performance.now() - buildStart;
sampleMemory();

let allowed = 0;
const start = performance.now();
for (let i = 0; i < queries.length; i++) {
  if (engine.allows(queries[i] as (typeof queries)[number])) allowed++;
  if ((i & 0x3ffff) === 0) sampleMemory();
}
const seconds = (performance.now() - start) / 1000;
sampleMemory();

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log(
  `cluster: ${SIZE.pods} pods, ${SIZE.namespaces} namespaces, ${SIZE.nodes} nodes, ${SIZE.policies} policies (seed ${SIZE.seed})`,
);
console.log(`engine build: ${buildMs.toFixed(1)} ms`);
console.log(
  `queries: ${QUERIES.toLocaleString('en-US')} in ${seconds.toFixed(3)} s, ${allowed.toLocaleString('en-US')} allowed`,
);
console.log(`verdicts/s: ${Math.round(QUERIES / seconds).toLocaleString('en-US')}`);
console.log(`peak memory: rss ${mb(peak.rss)}, heapUsed ${mb(peak.heapUsed)}`);
