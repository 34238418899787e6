/**
 * Generation at scale: cases derived from 500 policies on a synthetic cluster of 5,000
 * pods in 100 namespaces (the model benchmark's cluster), each case's expectation from
 * the model, narrowed until its pairs agree; then the same with 50 cluster policies
 * (ClusterNetworkPolicy in both tiers, AdminNetworkPolicy, the BANP) mixed in, whose
 * rules give cases of their own and cases where the tiers meet. Reproducible (seeded).
 * Run: node --import tsx bench/generate.ts [--cluster-policies N]
 * Target: under 5 s on the 2-core CI machine, for each variant.
 */
import { performance } from 'node:perf_hooks';
import { generateAssertions, generateCases } from '../src/generate/index.js';
import type { ClusterState } from '../src/policy/index.js';
import { syntheticClusterPolicies } from './synthetic-cluster-policies.js';
import { syntheticCluster } from './synthetic-cluster.js';

const SIZE = { namespaces: 100, pods: 5_000, nodes: 50, policies: 500, seed: 20_240_601 };
const TARGET_SECONDS = 5;
const at = process.argv.indexOf('--cluster-policies');
const CLUSTER_POLICIES = at === -1 ? 50 : Number(process.argv[at + 1]);

const CROSS_TIER_TAGS = [
  'admin-overrides-networkpolicy',
  'pass-to-networkpolicy',
  'networkpolicy-overrides-baseline',
] as const;

function run(title: string, state: ClusterState): boolean {
  const casesStart = performance.now();
  const cases = generateCases(state);
  const casesMs = performance.now() - casesStart;

  const start = performance.now();
  const assertions = generateAssertions(state);
  const seconds = (performance.now() - start) / 1000;

  const count = (expect: string): number => assertions.filter((a) => a.expect === expect).length;
  const tagged = (tag: string): number =>
    assertions.filter((a) => a.origin.kind === 'generated' && a.origin.tags.includes(tag)).length;
  console.log(title);
  console.log(`  candidate cases: ${cases.length.toLocaleString('en-US')} in ${casesMs.toFixed(0)} ms`);
  console.log(
    `  cases generated: ${assertions.length.toLocaleString('en-US')} (${count('allow')} allow, ${count('deny')} deny; ${tagged('positive')} positive, ${tagged('negative')} negative), ${cases.length - assertions.length} left out`,
  );
  if ((state.clusterPolicies ?? []).length > 0) {
    const crossTier = CROSS_TIER_TAGS.map((tag) => `${tagged(tag)} ${tag}`).join(', ');
    console.log(`  from cluster policies: ${tagged('cluster-policy')} (cross-tier: ${crossTier})`);
  }
  console.log(`  wall time: ${seconds.toFixed(2)} s (target < ${TARGET_SECONDS} s)`);
  return seconds < TARGET_SECONDS;
}

const { state } = syntheticCluster(SIZE);
let met = run(
  `cluster: ${SIZE.pods} pods, ${SIZE.namespaces} namespaces, ${SIZE.nodes} nodes, ${SIZE.policies} policies (seed ${SIZE.seed})`,
  state,
);
if (CLUSTER_POLICIES > 0) {
  const clusterPolicies = syntheticClusterPolicies(CLUSTER_POLICIES, state, SIZE.seed + 2);
  met = run(`with ${clusterPolicies.length} cluster policies mixed in`, { ...state, clusterPolicies }) && met;
}
console.log(`peak memory: rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(1)} MB`);
if (!met) process.exitCode = 1;
