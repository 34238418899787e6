/**
 * bench/lab: 50 pods over 2 nodes in a fresh lab. Prints how long the control plane
 * took, how long the 50 pods took to be Ready once it was up (target: 30 s), and the
 * resident memory of the lab's own processes apart from the control plane: the
 * supervisor (node emulation, data plane) and every pod's responder (target: 1.5 GB).
 * Needs root and the control-plane binaries (npm run setup:lab).
 *   node --import tsx bench/lab.ts [--pods 50] [--nodes 2]
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labDown, labPaths, labUp, readSupervisorRecord } from '../src/lab/index.js';

const LAB = 'bench';
const { values } = parseArgs({
  options: { pods: { type: 'string', default: '50' }, nodes: { type: 'string', default: '2' } },
});
const pods = Number(values.pods);
const nodes = Number(values.nodes);

const dir = await mkdtemp(join(tmpdir(), 'npa-bench-lab-'));
try {
  await writeFile(join(dir, 'bench.yaml'), manifest(pods));
  const up = await labUp({
    lab: LAB,
    manifests: [dir],
    cni: 'full',
    nodes,
    startTimeoutMs: 180_000,
    waitTimeoutMs: 180_000,
    progress: () => undefined,
  });
  if (!up.ok) throw new Error(`lab up failed: ${JSON.stringify(up)}`);
  const memory = await labMemory();
  console.log(`pods: ${up.pods} over ${nodes} nodes`);
  console.log(`control plane and nodes ready: ${(up.readyAfterMs / 1000).toFixed(1)} s`);
  console.log(
    `${up.pods} pods Ready after the control plane was up: ${(up.podsReadyAfterMs / 1000).toFixed(1)} s (target 30 s)`,
  );
  console.log(
    `lab processes apart from the control plane: ${memory.processes} processes, ${(memory.rssKb / 1024).toFixed(0)} MB resident (target 1536 MB)`,
  );
  console.log(
    `  supervisor ${(memory.supervisorKb / 1024).toFixed(0)} MB, responders ${((memory.rssKb - memory.supervisorKb) / 1024).toFixed(0)} MB`,
  );
} finally {
  await labDown({ lab: LAB, progress: () => undefined });
  await rm(dir, { recursive: true, force: true });
}

function manifest(replicas: number): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: bench}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: bench}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
          ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP}]
`;
}

/** The supervisor, and every process in a lab cgroup (the pods' responders). */
async function labMemory(): Promise<{ processes: number; rssKb: number; supervisorKb: number }> {
  const record = await readSupervisorRecord(labPaths(LAB));
  const supervisorPid = record?.supervisor.pid;
  let processes = 0;
  let rssKb = 0;
  let supervisorKb = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cgroup = await readFile(`/proc/${entry}/cgroup`, 'utf8').catch(() => '');
    const isSupervisor = Number(entry) === supervisorPid;
    if (!isSupervisor && !cgroup.includes(`npa-${LAB}`)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    processes += 1;
    rssKb += kb;
    if (isSupervisor) supervisorKb = kb;
  }
  return { processes, rssKb, supervisorKb };
}
