/**
 * The model's throughput: `allows` over 1,000,000 random queries on a synthetic cluster
 * of 5,000 pods in 100 namespaces with 500 policies, then the same queries with 50 cluster
 * policies (ClusterNetworkPolicy in both tiers, AdminNetworkPolicy, the BANP) mixed in, so
 * every direction is decided in tiers. Reproducible (seeded).
 * Run: node --import tsx bench/model.ts [--queries N] [--cluster-policies N]
 * Target: >= 1,000,000 verdicts/s and < 500 MB resident, for both variants.
 */
import { performance } from 'node:perf_hooks';
import type { ClusterState, Traffic } from '../src/policy/index.js';
import { PolicyEngine } from '../src/policy/index.js';
import { syntheticClusterPolicies } from './synthetic-cluster-policies.js';
import { randomTraffic, syntheticCluster } from './synthetic-cluster.js';

const SIZE = { namespaces: 100, pods: 5_000, nodes: 50, policies: 500, seed: 20_240_601 };
const flag = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const QUERIES = flag('--queries', 1_000_000);
const CLUSTER_POLICIES = flag('--cluster-policies', 50);

const peak = { rss: 0, heapUsed: 0 };
function sampleMemory(): void {
  const { rss, heapUsed } = process.memoryUsage();
  peak.rss = Math.max(peak.rss, rss);
  peak.heapUsed = Math.max(peak.heapUsed, heapUsed);
}

const { state } = syntheticCluster(SIZE);
const queries = randomTraffic(state, QUERIES, SIZE.seed + 1);
sampleMemory();

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function run(label: string, variant: ClusterState, list: readonly Traffic[]): void {
  const buildStart = performance.now();
  const engine = new PolicyEngine(variant);
  const buildMs = performance.now() - buildStart;
  sampleMemory();
  let allowed = 0;
  const start = performance.now();
  for (let i = 0; i < list.length; i++) {
    if (engine.allows(list[i] as Traffic)) allowed++;
    if ((i & 0x3ffff) === 0) sampleMemory();
  }
  const seconds = (performance.now() - start) / 1000;
  sampleMemory();
  console.log(`${label}`);
  console.log(`engine build: ${buildMs.toFixed(1)} ms`);
  console.log(
    `queries: ${list.length.toLocaleString('en-US')} in ${seconds.toFixed(3)} s, ${allowed.toLocaleString('en-US')} allowed`,
  );
  console.log(`verdicts/s: ${Math.round(list.length / seconds).toLocaleString('en-US')}`);
}

run(
  `cluster: ${SIZE.pods} pods, ${SIZE.namespaces} namespaces, ${SIZE.nodes} nodes, ${SIZE.policies} policies (seed ${SIZE.seed})`,
  state,
  queries,
);
if (CLUSTER_POLICIES > 0) {
  const clusterPolicies = syntheticClusterPolicies(CLUSTER_POLICIES, state, SIZE.seed + 2);
  run(`with ${clusterPolicies.length} cluster policies mixed in`, { ...state, clusterPolicies }, queries);
}
console.log(`peak memory: rss ${mb(peak.rss)}, heapUsed ${mb(peak.heapUsed)}`);
