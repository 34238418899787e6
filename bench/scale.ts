/**
 * bench/scale: live runs of 1,000, 10,000 and 50,000 probe pairs on a lab of 8 nodes and
 * 400 pods, once the lab is up.
 *
 * 10 namespaces, each with 20 clients (in 4 groups of 5, label `group`) and 20 servers
 * (ports http 8080 and metrics 9090), a default-deny-ingress policy, http open to the
 * clients of the 5 namespaces labelled zone=trusted, metrics open to the clients of even
 * groups. One assertion is one client group to one namespace's servers on one port: 100
 * pairs. Assertions are interleaved so each suite is about half deny; `timeout: 1s`, so
 * a deny waits a whole second and ~1 s is the floor.
 *
 * For each size the run is timed live (the agent installed by a warm-up) and must pass
 * every pair; afterwards each suite is checked with `predict` against the same manifests.
 * The run writes TAP to stdout as it goes (thrown away here, as a terminal shows it) and
 * its JSON report to a file, read back afterwards for the checks. Printed per size: wall
 * time, pairs per second, the runner's log lines timestamped (the phases), the runner's
 * peak RSS (this process, sampled every 20 ms while the command runs, so the bench's own
 * parse of the report is not in it), the peak RSS of each of the lab's agent probe
 * processes, sampled from /proc, and the CPU time of the runner, of the agents with their
 * helpers (the lab supervisor's reaped children: every exec ends there), of the lab's
 * kubelets (the supervisor itself, relaying the execs) and of the API server: with 8
 * nodes on one machine, CPU is what the lab runs out of.
 * Targets: 10,000 pairs under 3 s, 50,000 under 10 s, the runner under 500 MB.
 * Needs root and the control-plane binaries (npm run setup:lab).
 *   npm run bench:scale -- [--sizes 1000,10000,50000] [--nodes 8] [--lab bscale] [--keep-lab]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labDown, labPaths, labStatus, labUp, readSupervisorRecord } from '../src/lab/index.js';
import { checkRun, cli, pairCounts } from './cli-run.js';
import type { CliRun } from './cli-run.js';

const NAMESPACES = Array.from({ length: 10 }, (_, i) => `scale-${i}`);
const TRUSTED = new Set(NAMESPACES.filter((_, i) => i % 2 === 0));
const GROUPS = 4;
const CLIENTS_PER_GROUP = 5;
const SERVERS = 20;
const PAIRS_PER_ASSERTION = CLIENTS_PER_GROUP * SERVERS;
const PORTS = [
  { name: 'http', number: 8080 },
  { name: 'metrics', number: 9090 },
] as const;
const TARGETS: Readonly<Record<number, number>> = { 10_000: 3, 50_000: 10 };
const RUNNER_MEMORY_TARGET_MB = 500;
/** USER_HZ: /proc counts CPU time in these on every Linux the lab runs on. */
const CLOCK_TICKS = 100;

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,50000' },
    nodes: { type: 'string', default: '8' },
    lab: { type: 'string', default: 'bscale' },
    // Leaves the lab and the suites in place, to probe them again by hand; uses a lab already up.
    'keep-lab': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const nodes = Number(values.nodes);
const LAB = values.lab;

interface Assertion {
  readonly from: string;
  readonly group: number;
  readonly to: string;
  readonly port: (typeof PORTS)[number];
}

const dir = await mkdtemp(join(tmpdir(), 'npa-bench-scale-'));
const manifestDir = join(dir, 'manifests');
let failed = false;
try {
  await mkdir(manifestDir);
  await writeFile(join(manifestDir, 'scale.yaml'), manifests());
  const suites = await writeSuites(sizes);
  await bringUpLab();
  const first = suites.values().next().value;
  if (first === undefined) throw new Error('no sizes');
  checkRun(
    'the warm-up run',
    await cli(['run', first, '--lab', LAB, '--keep-agent', '--reporter', 'json']),
    sizes[0] ?? 0,
  );

  const lab = await labProcesses();
  for (const [size, suiteDir] of suites) {
    const sampler = startAgentSampler(lab.supervisor);
    const before = await lab.cpu();
    // TAP on stdout as the run goes (what CI gets without a terminal), the JSON report to a file.
    const jsonFile = join(dir, `report-${size}.json`);
    const run = await cli(
      ['run', suiteDir, '--lab', LAB, '--keep-agent', '--reporter', 'tap', '--json', jsonFile],
      { jsonFile },
    );
    const after = await lab.cpu();
    const agents = sampler.stop();
    report(size, run, agents, {
      agentsMs: after.children - before.children,
      kubeletsMs: after.kubelets - before.kubelets,
      apiServerMs: after.apiServer - before.apiServer,
    });
    checkRun(`the run of ${size} pairs`, run, size);
  }
  // After the timed runs, so that the runner's peak RSS is the runs' own: the model agrees.
  for (const [size, suiteDir] of suites) {
    const predicted = await cli(['predict', suiteDir, '--state', manifestDir, '--reporter', 'json']);
    const counts = pairCounts(predicted.report);
    if (predicted.exitCode !== 0 || counts.failing > 0 || counts.total !== size) {
      throw new Error(`predict of ${size} pairs: exit ${predicted.exitCode}, ${counts.total} pairs`);
    }
  }
} catch (error) {
  console.error(`bench/scale: ${error instanceof Error ? error.message : String(error)}`);
  failed = true;
} finally {
  if (values['keep-lab']) {
    console.log(`kept: lab '${LAB}', manifests and suites in ${dir}`);
  } else {
    await labDown({ lab: LAB, progress: () => undefined });
    await rm(dir, { recursive: true, force: true });
  }
}
process.exitCode = failed ? 1 : 0;

/** A new lab; with --keep-lab, one already up under that name is used as it is. */
async function bringUpLab(): Promise<void> {
  if (values['keep-lab'] && (await labStatus({ lab: LAB })).ok) {
    console.log(`lab: '${LAB}' is already up, used as it is`);
    return;
  }
  const upStart = Date.now();
  const up = await labUp({
    lab: LAB,
    manifests: [manifestDir],
    cni: 'full',
    nodes,
    startTimeoutMs: 300_000,
    waitTimeoutMs: 600_000,
    progress: () => undefined,
  });
  if (!up.ok) throw new Error(`lab up failed: ${JSON.stringify(up)}`);
  console.log(
    `lab: ${up.pods} pods over ${nodes} nodes, up in ${((Date.now() - upStart) / 1000).toFixed(1)} s (not counted below)`,
  );
}

interface LabCpu {
  /** The supervisor's reaped children: the agents, their helpers and nsenter. */
  readonly children: number;
  /** The supervisor itself: every node's kubelet, relaying the execs' input and output. */
  readonly kubelets: number;
  readonly apiServer: number;
}

/** CPU milliseconds of the lab's supervisor's reaped children and of its API server, from /proc. */
async function labProcesses(): Promise<{ supervisor: number; cpu: () => Promise<LabCpu> }> {
  const record = await readSupervisorRecord(labPaths(LAB));
  if (record === undefined) throw new Error(`lab '${LAB}' has no supervisor record`);
  const apiServer = record.processes.find((p) => p.name.includes('apiserver'));
  const ticks = async (pid: number | undefined): Promise<number[]> => {
    if (pid === undefined) return [];
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // The fields after the command (which may hold spaces): utime is the 14th field of the line.
    return stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 15)
      .map(Number);
  };
  const ms = (tickCount: number) => (tickCount * 1000) / CLOCK_TICKS;
  return {
    supervisor: record.supervisor.pid,
    cpu: async () => {
      const [selfUser = 0, selfSystem = 0, childUser = 0, childSystem = 0] = await ticks(
        record.supervisor.pid,
      );
      const [user = 0, system = 0] = await ticks(apiServer?.pid);
      return {
        children: ms(childUser + childSystem),
        kubelets: ms(selfUser + selfSystem),
        apiServer: ms(user + system),
      };
    },
  };
}

function report(
  size: number,
  run: CliRun,
  agents: ReadonlyMap<number, number>,
  cpu: { agentsMs: number; kubeletsMs: number; apiServerMs: number },
): void {
  const seconds = run.wallMs / 1000;
  const target = TARGETS[size];
  const runnerMb = run.peakRssMb;
  const agentMb = [...agents.values()].map((kb) => kb / 1024).sort((a, b) => b - a);
  console.log(`\n${size} pairs (${pairCounts(run.report).deny} deny), timeout 1s:`);
  console.log(
    `  wall ${seconds.toFixed(2)} s${target === undefined ? '' : ` (target ${target} s)`}, ${Math.round(size / seconds)} pairs/s`,
  );
  console.log(
    `  runner peak RSS ${runnerMb.toFixed(0)} MB (target ${RUNNER_MEMORY_TARGET_MB} MB); machine ${(run.machineBusy * 100).toFixed(0)}% busy, load ${loadavg()[0]?.toFixed(2)}`,
  );
  console.log(
    `  agent probe processes: ${agentMb.length}, peak RSS ${agentMb.map((mb) => mb.toFixed(0)).join(', ')} MB`,
  );
  console.log(
    `  CPU: runner ${(run.cpuMs / 1000).toFixed(2)} s, agents and helpers ${(cpu.agentsMs / 1000).toFixed(2)} s, lab kubelets ${(cpu.kubeletsMs / 1000).toFixed(2)} s, API server ${(cpu.apiServerMs / 1000).toFixed(2)} s`,
  );
  console.log('  phases (the runner’s log, ms from the start):');
  for (const line of run.log) console.log(`    ${line}`);
}

/**
 * Peak RSS (kB) of every `netpol-assert-agent probe` process of this lab seen while the
 * sampler runs. The lab's kubelets run an exec as `nsenter ... node`, and nsenter execs
 * in place, so an agent is a child of the lab's supervisor: only its children are read
 * (/proc/PID/task/TID/children), with synchronous reads, so that the sampler, which runs
 * in the runner's process, costs it next to nothing.
 */
function startAgentSampler(supervisor: number): { stop: () => ReadonlyMap<number, number> } {
  const peaks = new Map<number, number>();
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  const sample = (): void => {
    const tasks = readdirSync(`/proc/${supervisor}/task`);
    const children = tasks.flatMap((task) => read(`/proc/${supervisor}/task/${task}/children`).split(' '));
    for (const pid of children) {
      if (pid.trim() === '') continue;
      if (!read(`/proc/${pid}/cmdline`).split('\0').includes('probe')) continue;
      const kb = Number(/VmHWM:\s+(\d+)/.exec(read(`/proc/${pid}/status`))?.[1] ?? 0);
      peaks.set(Number(pid), Math.max(peaks.get(Number(pid)) ?? 0, kb));
    }
  };
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return peaks;
    },
  };
}

/** Whether the clients of group `group` in `from` may reach the servers of `to` on `port`. */
function allowed({ from, group, port }: Assertion): boolean {
  return port.name === 'http' ? TRUSTED.has(from) : group % 2 === 0;
}

/** Every assertion, interleaved so that any prefix is about half allow, half deny. */
function allAssertions(): Assertion[] {
  const all = NAMESPACES.flatMap((from) =>
    Array.from({ length: GROUPS }, (_, group) =>
      NAMESPACES.flatMap((to) => PORTS.map((port) => ({ from, group, to, port }))),
    ).flat(),
  );
  const allow = all.filter(allowed);
  const deny = all.filter((assertion) => !allowed(assertion));
  return allow.flatMap((assertion, i) => [assertion, ...(deny[i] === undefined ? [] : [deny[i]])]);
}

async function writeSuites(pairCounts: readonly number[]): Promise<Map<number, string>> {
  const assertions = allAssertions();
  const suites = new Map<number, string>();
  for (const pairs of pairCounts) {
    const count = Math.ceil(pairs / PAIRS_PER_ASSERTION);
    if (count > assertions.length)
      throw new Error(`at most ${assertions.length * PAIRS_PER_ASSERTION} pairs`);
    const suiteDir = join(dir, `suite-${pairs}`);
    await mkdir(suiteDir);
    await writeFile(join(suiteDir, 'scale.yaml'), suite(assertions.slice(0, count)));
    suites.set(pairs, suiteDir);
  }
  return suites;
}

function suite(assertions: readonly Assertion[]): string {
  const lines = assertions.map(
    (a) =>
      `  - from ${a.from}/role=client,group=g${a.group} to ${a.to}/role=server:${a.port.number} expect ${allowed(a) ? 'allow' : 'deny'}`,
  );
  return `apiVersion: netpol-assert/v1
kind: Suite
metadata: {name: scale}
defaults: {timeout: 1s}
assertions:
${lines.join('\n')}
`;
}

function manifests(): string {
  return NAMESPACES.map(namespaceObjects).join('---\n');
}

function namespaceObjects(ns: string): string {
  const zone = TRUSTED.has(ns) ? 'trusted' : 'untrusted';
  const ports = PORTS.map((p) => `{name: ${p.name}, containerPort: ${p.number}}`).join(', ');
  const clients = Array.from(
    { length: GROUPS },
    (_, group) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: client-g${group}, namespace: ${ns}}
spec:
  replicas: ${CLIENTS_PER_GROUP}
  selector: {matchLabels: {role: client, group: g${group}}}
  template:
    metadata: {labels: {role: client, group: g${group}}}
    spec:
      containers: [{name: client, image: busybox}]
`,
  );
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}, labels: {zone: ${zone}}}
---
${clients.join('---\n')}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: server, namespace: ${ns}}
spec:
  replicas: ${SERVERS}
  selector: {matchLabels: {role: server}}
  template:
    metadata: {labels: {role: server}}
    spec:
      containers: [{name: server, image: nginx, ports: [${ports}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: ${ns}}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: http-from-trusted-clients, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {role: server}}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {zone: trusted}}, podSelector: {matchLabels: {role: client}}}]
      ports: [{port: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: metrics-from-even-groups, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {role: server}}
  ingress:
    - from:
        - {namespaceSelector: {}, podSelector: {matchExpressions: [{key: group, operator: In, values: [g0, g2]}]}}
      ports: [{port: 9090}]
`;
}
