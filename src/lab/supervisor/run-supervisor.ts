/**
 * The lab's long-running process, in named steps: the agent payload (rebuilt when its
 * sources changed, in a checkout), data plane, control plane (each child recorded as it
 * starts), the namespace labeler, the emulated kubelet, the control socket; then `ready`
 * in the record. `stop` undoes it in reverse; the data plane's
 * destroy comes last and takes the state folder with it. When a step fails, the record
 * says why and the processes stop, but the data plane's leftovers stay for `lab up` to
 * clean with `lab down`, so the record survives to be read.
 */
import { mkdir } from 'node:fs/promises';
import { ensureAgentPayload } from '../../agent-payload/index.js';
import { DataPlane, desiredStateProblems } from '../data-plane/index.js';
import {
  findLabBinaries,
  LAB_SERVICE_CLUSTER_IP_RANGE,
  labKubeConfig,
  startControlPlane,
  startNamespaceNameLabeler,
} from '../control-plane/index.js';
import { startLabKubelet } from '../kubelet/index.js';
import type { DesiredExternalHost } from '../kubelet/index.js';
import { serveControlSocket } from './control-socket.js';
import type { SupervisorAnswer, SupervisorRequest } from './control-socket.js';
import { labPaths } from '../names/index.js';
import { recordProcess } from './process-table.js';
import { labNodeNames } from './supervisor-config.js';
import type { SupervisorConfig } from './supervisor-config.js';
import { SupervisorRecordWriter } from './supervisor-record.js';
import { assertNever } from '../../shared/index.js';

export interface RunningSupervisor {
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

export async function runSupervisor(
  config: SupervisorConfig,
  log: (message: string) => void,
): Promise<RunningSupervisor> {
  const startedAt = Date.now();
  const paths = labPaths(config.lab, config.stateRoot);
  await mkdir(paths.logs, { recursive: true, mode: 0o700 });
  const nodeNames = labNodeNames(config.nodes);
  const record = new SupervisorRecordWriter(paths, {
    lab: config.lab,
    phase: 'starting',
    supervisor: await recordProcess('supervisor', process.pid),
    cni: config.cni,
    nodes: nodeNames,
    kubeconfig: paths.kubeconfig,
    processes: [],
    startedAt: new Date(startedAt).toISOString(),
  });
  await record.update({});
  const stops: (() => Promise<void> | void)[] = [];
  const stopProcesses = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop();
    stops.length = 0;
  };
  let dataPlane: DataPlane | undefined;
  try {
    const binaries = await findLabBinaries(config.k8sBin === undefined ? {} : { k8sBin: config.k8sBin });
    const payload = await ensureAgentPayload();
    if (payload.rebuilt) log(`agent payload rebuilt in ${payload.folder} (its sources changed)`);
    dataPlane = await DataPlane.create(config.lab, { cni: config.cni, stateRoot: config.stateRoot, log });
    const controlPlane = await startControlPlane({
      folder: paths.root,
      contextName: `netpol-assert-${config.lab}`,
      binaries,
      serviceClusterIpRange: LAB_SERVICE_CLUSTER_IP_RANGE,
      readyTimeoutMs: READY_TIMEOUT_MS,
      onProcessStart: async (component) =>
        record.addProcess(await recordProcess(component.name, component.pid)),
    });
    stops.push(() => controlPlane.stop());
    const kubeConfig = labKubeConfig(controlPlane.kubeconfig);
    const labeler = await startNamespaceNameLabeler(kubeConfig, log);
    stops.push(() => labeler.stop());
    const kubelet = await startLabKubelet({
      kubeConfig,
      nodeNames,
      network: dataPlane,
      caCert: controlPlane.pki.caCert,
      serving: controlPlane.pki.kubelet,
      bindPods: !controlPlane.schedules,
      externalHosts: [],
      payload,
      log,
    });
    stops.push(() => kubelet.stop());
    let externalHosts: readonly DesiredExternalHost[] = [];
    const handle = async (request: SupervisorRequest): Promise<SupervisorAnswer> => {
      switch (request.op) {
        case 'status':
          return { ok: true, ...(kubelet.status === undefined ? {} : { status: kubelet.status }) };
        case 'apply-external-hosts': {
          const merged = mergeByName(externalHosts, request.hosts);
          const problems = desiredStateProblems({
            nodes: [],
            namespaces: [],
            pods: [],
            policies: [],
            externalHosts: merged,
          });
          if (problems.length > 0) return { ok: false, error: problems.map((p) => p.message).join('; ') };
          await kubelet.setExternalHosts(merged);
          externalHosts = merged;
          return { ok: true, ...(kubelet.status === undefined ? {} : { status: kubelet.status }) };
        }
        case 'stop-kubelet':
          log(`fault: the kubelet of ${request.node} stops`);
          await kubelet.stopNode(request.node);
          return { ok: true };
        case 'restart-apiserver':
          log(`fault: kube-apiserver stops for ${request.downSeconds}s`);
          await controlPlane.restartApiserver(request.downSeconds * 1000);
          log('fault: kube-apiserver is back');
          return { ok: true };
        default:
          return assertNever(request);
      }
    };
    const control = await serveControlSocket(paths.socket, handle);
    stops.push(() => control.close());
    await record.update({
      phase: 'ready',
      server: controlPlane.server,
      kubeletPort: kubelet.port,
      ports: [
        controlPlane.ports.etcdClient,
        controlPlane.ports.etcdPeer,
        controlPlane.ports.apiserver,
        kubelet.port,
      ],
      readyAfterMs: Date.now() - startedAt,
    });
    log(`ready after ${Date.now() - startedAt} ms: ${controlPlane.server}, kubeconfig ${paths.kubeconfig}`);
  } catch (error) {
    await record.update({ phase: 'failed', error: error instanceof Error ? error.message : String(error) });
    await stopProcesses();
    throw error;
  }
  const ownedDataPlane = dataPlane;
  return {
    stop: async () => {
      await record.update({ phase: 'stopping' });
      await stopProcesses();
      await ownedDataPlane.destroy();
    },
  };
}

function mergeByName(
  current: readonly DesiredExternalHost[],
  added: readonly DesiredExternalHost[],
): DesiredExternalHost[] {
  const byName = new Map(current.map((host) => [host.name, host]));
  for (const host of added) byName.set(host.name, host);
  return [...byName.values()];
}
