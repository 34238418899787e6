/**
 * The lab end to end (root): `lab up` with a Namespace, a 3-replica Deployment, a hostPID
 * agent DaemonSet and an outside host; the cluster seen only through its kubeconfig, as
 * netpol-assert sees any cluster; exec into pods; `lab down`, after which nothing is left.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect } from 'node:tls';
import { CoreV1Api, KubeConfig, NetworkingV1Api } from '@kubernetes/client-node';
import type { V1Namespace, V1Pod } from '@kubernetes/client-node';
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { labelsNamespaceNames, serverVersion } from '../../src/lab/control-plane/index.js';
import {
  labApply,
  labDown,
  labPaths,
  labStatus,
  labUp,
  readSupervisorRecord,
  renderLabStatus,
} from '../../src/lab/index.js';
import type { LabUp, SupervisorRecord } from '../../src/lab/index.js';
import { eventually, execInPod, hasKubectl, isRoot, leftoversOf } from './lab-helpers.js';

const LAB = 'cptest';
const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const quiet = (): void => undefined;

describe('a lab with two nodes', { skip: isRoot ? false : 'the lab needs root', timeout: 150_000 }, () => {
  let up: LabUp;
  let record: SupervisorRecord;
  let kubeConfig: KubeConfig;
  let core: CoreV1Api;
  const pods = async (namespace: string, labels: string): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace, labelSelector: labels })).items;

  before(async () => {
    const result = await labUp({
      lab: LAB,
      manifests: [`${FIXTURES}basic`],
      cni: 'full',
      nodes: 2,
      startTimeoutMs: 90_000,
      waitTimeoutMs: 90_000,
      progress: quiet,
    });
    assert.ok(result.ok, `lab up failed: ${JSON.stringify(result)}`);
    up = result;
    const written = await readSupervisorRecord(labPaths(LAB));
    assert.ok(written !== undefined, 'the supervisor wrote its record');
    record = written;
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(up.kubeconfig);
    core = kubeConfig.makeApiClient(CoreV1Api);
  });

  after(async () => {
    await labDown({ lab: LAB, progress: quiet });
  });

  test('lab up hands back a kubeconfig for an API server on 127.0.0.1, with the time it took', async () => {
    assert.match(up.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(kubeConfig.getCurrentCluster()?.server, up.server);
    assert.ok(up.readyAfterMs > 0 && up.readyAfterMs < 90_000);
    process.stderr.write(
      `# control plane and nodes ready after ${up.readyAfterMs} ms; pods ready after ${up.podsReadyAfterMs} ms\n`,
    );
  });

  test('every node is Ready, with an InternalIP in the lab range and the lab kubelet port', async () => {
    const nodes = (await core.listNode()).items;
    assert.deepEqual(nodes.map((node) => node.metadata?.name).sort(), ['lab-node-0', 'lab-node-1']);
    for (const node of nodes) {
      const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
      assert.equal(ready?.status, 'True');
      const internal =
        node.status?.addresses?.find((address) => address.type === 'InternalIP')?.address ?? '';
      assert.match(internal, /^198\.19\.0\.\d+$/);
      assert.equal(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, record.kubeletPort);
      assert.deepEqual(node.spec?.taints ?? [], [], 'no node is tainted');
      const server = await serverVersion(kubeConfig);
      assert.equal(node.status?.nodeInfo?.kubeletVersion, server.gitVersion, 'no version skew');
    }
  });

  test('a Deployment of 3 replicas runs 3 pods, Running and Ready, each with its own address from the pod range', async () => {
    const web = await pods('shop', 'app=web');
    assert.equal(web.length, 3);
    for (const pod of web) {
      assert.equal(pod.status?.phase, 'Running');
      assert.ok(
        pod.status?.conditions?.some(
          (condition) => condition.type === 'Ready' && condition.status === 'True',
        ),
      );
      assert.match(pod.status?.podIP ?? '', /^198\.18\.\d+\.\d+$/);
      assert.match(pod.status?.hostIP ?? '', /^198\.19\.0\.\d+$/);
      assert.match(
        pod.status?.containerStatuses?.[0]?.containerID ?? '',
        /^netpol-assert-lab:\/\/[0-9a-f]{64}$/,
      );
    }
    assert.equal(new Set(web.map((pod) => pod.status?.podIP)).size, 3);
  });

  test('a hostNetwork pod takes its node address', async () => {
    const agents = await pods('kube-system', 'app=agent');
    assert.equal(agents.length, 2, 'one agent pod per node');
    const nodes = (await core.listNode()).items;
    for (const agent of agents) {
      const node = nodes.find((candidate) => candidate.metadata?.name === agent.spec?.nodeName);
      const internal = node?.status?.addresses?.find((address) => address.type === 'InternalIP')?.address;
      assert.equal(agent.status?.podIP, internal);
    }
  });

  test('every namespace carries kubernetes.io/metadata.name, declared labels kept', async () => {
    const namespaces = (await core.listNamespace()).items;
    assert.ok(namespaces.some((namespace) => namespace.metadata?.name === 'shop'));
    for (const namespace of namespaces)
      assert.equal(namespace.metadata?.labels?.['kubernetes.io/metadata.name'], namespace.metadata?.name);
    const shop = namespaces.find((namespace) => namespace.metadata?.name === 'shop');
    assert.equal(shop?.metadata?.labels?.team, 'retail', 'declared labels are kept');
  });

  test('the name label comes from the API server on 1.21 and later, from the lab on older servers', async () => {
    const version = await serverVersion(kubeConfig);
    const created = await core.createNamespace({ body: { metadata: { name: 'label-origin' } } });
    const label = (namespace: V1Namespace) => namespace.metadata?.labels?.['kubernetes.io/metadata.name'];
    if (labelsNamespaceNames(version)) {
      assert.equal(label(created), 'label-origin', `${version.gitVersion} labels it as it creates it`);
    } else {
      assert.equal(label(created), undefined, `${version.gitVersion} does not label namespaces`);
      const read = async () => core.readNamespace({ name: 'label-origin' });
      assert.equal(
        label(await eventually(read, (namespace) => label(namespace) !== undefined)),
        'label-origin',
      );
    }
    const log = await readFile(`${labPaths(LAB).logs}/supervisor.log`, 'utf8');
    assert.equal(
      log.includes("the lab's labeler stays off"),
      labelsNamespaceNames(version),
      'the lab labels namespaces only for a server that does not',
    );
    await core.deleteNamespace({ name: 'label-origin' });
  });

  test('exec into a pod runs in its network namespace and returns stdout, stderr and the exit code', async () => {
    const [pod] = await pods('shop', 'app=web');
    const where = { namespace: 'shop', pod: pod?.metadata?.name ?? '', container: 'web' };
    const address = await execInPod(kubeConfig, where, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    assert.equal(address.status.status, 'Success');
    assert.match(address.stdout, new RegExp(`inet ${(pod?.status?.podIP ?? '').replaceAll('.', '\\.')}/32`));
    const failing = await execInPod(kubeConfig, where, ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(failing.stdout, 'out\n');
    assert.equal(failing.stderr, 'err\n');
    assert.equal(failing.status.status, 'Failure');
    assert.equal(failing.status.reason, 'NonZeroExitCode');
    assert.deepEqual(failing.status.details?.causes, [{ reason: 'ExitCode', message: '3' }]);
  });

  test('exec passes stdin to the command and ends it when the client closes stdin', async () => {
    const [pod] = await pods('shop', 'app=web');
    const where = { namespace: 'shop', pod: pod?.metadata?.name ?? '', container: 'web' };
    const counted = await execInPod(kubeConfig, where, ['wc', '-c'], 'hello lab');
    assert.equal(counted.stdout.trim(), '9');
    assert.equal(counted.status.status, 'Success');
  });

  test('exec into the hostPID agent runs a local command in its node network, with the pod environment', async () => {
    const [agent] = await pods('kube-system', 'app=agent');
    const where = { namespace: 'kube-system', pod: agent?.metadata?.name ?? '', container: 'agent' };
    const result = await execInPod(kubeConfig, where, [
      'sh',
      '-c',
      'echo "$NODE_NAME $AGENT_MODE"; ip -4 -o addr show dev eth0',
    ]);
    assert.equal(result.status.status, 'Success');
    const [environment, address] = result.stdout.split('\n');
    assert.equal(environment, `${agent?.spec?.nodeName} lab`);
    assert.match(address ?? '', new RegExp(`inet ${(agent?.status?.podIP ?? '').replaceAll('.', '\\.')}/24`));
    const missing = await execInPod(kubeConfig, where, ['no-such-command-in-the-lab']);
    assert.deepEqual(missing.status.details?.causes, [{ reason: 'ExitCode', message: '127' }]);
  });

  test('a NetworkPolicy applied through the API is enforced between lab pods, and lifted when deleted', async () => {
    const [client, server] = await pods('shop', 'app=web');
    const where = { namespace: 'shop', pod: client?.metadata?.name ?? '', container: 'web' };
    const connect = ['timeout', '2', 'bash', '-c', `echo > /dev/tcp/${server?.status?.podIP}/8080`];
    const exitCode = async (): Promise<string> =>
      (await execInPod(kubeConfig, where, connect)).status.details?.causes?.[0]?.message ?? '0';
    assert.equal(await exitCode(), '0', 'open before any policy');
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny-ingress', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    };
    const networking = kubeConfig.makeApiClient(NetworkingV1Api);
    await networking.createNamespacedNetworkPolicy({ namespace: 'shop', body: policy });
    assert.equal(
      await eventually(exitCode, (code) => code !== '0'),
      '124',
      'dropped (timed out), not refused',
    );
    await networking.deleteNamespacedNetworkPolicy({ name: 'deny-ingress', namespace: 'shop' });
    assert.equal(await eventually(exitCode, (code) => code === '0'), '0');
  });

  test('the kubelet endpoint turns away a client without a certificate from the lab CA', async () => {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: record.kubeletPort ?? 0, rejectUnauthorized: false });
      socket.once('secureConnect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.once('data', () => resolve(false));
      socket.once('error', () => resolve(true));
      socket.once('close', () => resolve(true));
    });
    assert.equal(refused, true);
  });

  test('kubectl get pods -A -o wide lists the pods with their addresses', async (t) => {
    if (!(await hasKubectl())) return t.skip('kubectl is not installed');
    const { stdout } = await execa('kubectl', [
      '--kubeconfig',
      up.kubeconfig,
      'get',
      'pods',
      '-A',
      '-o',
      'wide',
    ]);
    for (const pod of await pods('shop', 'app=web'))
      assert.ok(stdout.includes(pod.status?.podIP ?? 'none'), stdout);
    assert.match(stdout, /lab-node-0/);
  });

  test('kubectl exec through the API server gets stdout, stderr, stdin and the exit code, over the protocol it speaks', async (t) => {
    if (!(await hasKubectl()))
      return t.skip('kubectl is not installed (Debian: apt-get install kubernetes-client)');
    const [pod] = await pods('shop', 'app=web');
    const args = ['--kubeconfig', up.kubeconfig, '-n', 'shop', 'exec', '-i', pod?.metadata?.name ?? '', '--'];
    const script = 'read line; echo "got $line"; echo err >&2; exit 4';
    const result = await execa('kubectl', [...args, 'sh', '-c', script], { reject: false, input: 'hi\n' });
    assert.equal(result.stdout, 'got hi');
    assert.match(result.stderr, /^err$/m);
    assert.equal(result.exitCode, 4);
    // kube-apiserver (1.20 to 1.29) hands the client's upgrade to the kubelet as it came:
    // SPDY/3.1 from kubectl before 1.30, WebSocket from later kubectl and from client-node.
    const execLine = async (): Promise<string | undefined> =>
      (await readFile(`${labPaths(LAB).logs}/supervisor.log`, 'utf8'))
        .split('\n')
        .filter((entry) => entry.includes('read line'))
        .at(-1);
    const line = await eventually(execLine, (found) => found !== undefined, 5_000);
    const protocol = / over (\S+ \S+):/.exec(line ?? '')?.[1];
    assert.ok(protocol === 'spdy v4.channel.k8s.io' || protocol?.startsWith('websocket '), line);
    // With the kubeconfig, a version dispatcher (Google Cloud SDK's) names the kubectl it runs for this server.
    const versionArgs = ['--kubeconfig', up.kubeconfig, 'version', '-o', 'json'];
    const client = (await execa('kubectl', versionArgs, { reject: false })).stdout;
    t.diagnostic(
      `kubectl ${/"gitVersion":\s*"([^"]+)"/.exec(client)?.[1] ?? '?'} exec reached the kubelet over ${protocol}`,
    );
  });

  test('client-node exec (what netpol-assert uses) reaches the kubelet over WebSocket', async () => {
    const [pod] = await pods('shop', 'app=web');
    const where = { namespace: 'shop', pod: pod?.metadata?.name ?? '', container: 'web' };
    const result = await execInPod(kubeConfig, where, ['echo', 'client-node-protocol']);
    assert.equal(result.stdout, 'client-node-protocol\n');
    // The kubelet logs the exec as it ends, which may be just after the client has its answer.
    const execLine = async (): Promise<string | undefined> =>
      (await readFile(`${labPaths(LAB).logs}/supervisor.log`, 'utf8'))
        .split('\n')
        .filter((entry) => entry.includes('client-node-protocol'))
        .at(-1);
    const line = await eventually(execLine, (found) => found !== undefined, 5_000);
    assert.match(line ?? '', / over websocket v[45]\.channel\.k8s\.io:/);
  });

  test('lab status shows the Kubernetes version, the nodes, the pods with their addresses, the outside host and the cni mode', async () => {
    const status = await labStatus({ lab: LAB });
    assert.ok(status.ok, JSON.stringify(status));
    const version = await serverVersion(kubeConfig);
    assert.equal(status.kubernetesVersion, version.gitVersion);
    assert.match(status.kubernetesVersion, /^v1\.\d+\.\d+/);
    const text = renderLabStatus(status);
    assert.match(text, new RegExp(`^kubernetes\\s+${version.gitVersion.replaceAll('.', '\\.')}$`, 'm'));
    assert.match(text, /cni full, 2 nodes/);
    assert.match(text, /partner-api\s+203\.0\.113\.10/);
    for (const pod of await pods('shop', 'app=web'))
      assert.ok(text.includes(pod.status?.podIP ?? 'none'), text);
  });

  test('lab apply adds a pod; deleting it removes the Pod object and its network namespace', async () => {
    const applied = await labApply({
      lab: LAB,
      manifests: [`${FIXTURES}extra`],
      waitTimeoutMs: 60_000,
      progress: quiet,
    });
    assert.ok(applied.ok, JSON.stringify(applied));
    const [probe] = await pods('shop', 'role=probe');
    assert.equal(probe?.status?.podIP, '198.18.200.7', 'the pinned address');
    const before = (await execa('ip', ['netns', 'list'])).stdout
      .split('\n')
      .filter((line) => line.startsWith(`npa-${LAB}-p-`));
    assert.equal(before.length, 4, 'three web pods and the probe pod');
    await core.deleteNamespacedPod({ name: 'probe', namespace: 'shop' });
    const deadline = Date.now() + 30_000;
    let gone = false;
    while (!gone && Date.now() < deadline) {
      gone = (await pods('shop', 'role=probe')).length === 0;
      if (!gone) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(gone, 'the kubelet confirmed the deletion');
    const afterDelete = (await execa('ip', ['netns', 'list'])).stdout
      .split('\n')
      .filter((line) => line.startsWith(`npa-${LAB}-p-`));
    assert.equal(afterDelete.length, 3);
  });

  test('lab down stops every process and removes the namespaces, the ports and the state folder', async () => {
    const paths = labPaths(LAB);
    const netnsBefore = (await execa('ip', ['netns', 'list'])).stdout
      .split('\n')
      .map((line) => line.split(' ')[0] ?? '')
      .filter((name) => name.startsWith(`npa-${LAB}-`));
    const down = await labDown({ lab: LAB, progress: quiet });
    assert.ok(down.ok, JSON.stringify(down));
    assert.equal(down.found, true);
    // What it reports removed is what was there, though the supervisor removed most of it.
    assert.ok(netnsBefore.length >= 5, netnsBefore.join(' '));
    assert.deepEqual([...down.netnsRemoved].sort(), netnsBefore.sort());
    const left = await leftoversOf(LAB, `${paths.root}/`, record.ports ?? []);
    assert.deepEqual(left, { processes: [], netns: [], listening: [], stateFolder: false });
    assert.ok((record.ports ?? []).length === 4);
  });
});

describe(
  'a lab whose supervisor was killed with SIGKILL',
  { skip: isRoot ? false : 'the lab needs root', timeout: 90_000 },
  () => {
    const lab = 'cpkill';
    after(async () => {
      await labDown({ lab, progress: quiet });
    });

    test('lab down still removes everything: processes, namespaces, ports and state', async () => {
      const result = await labUp({
        lab,
        manifests: [],
        cni: 'full',
        nodes: 1,
        startTimeoutMs: 90_000,
        waitTimeoutMs: 30_000,
        progress: quiet,
      });
      assert.ok(result.ok, JSON.stringify(result));
      const paths = labPaths(lab);
      const record = await readSupervisorRecord(paths);
      assert.ok(record !== undefined);
      process.kill(record.supervisor.pid, 'SIGKILL');
      const alive = await leftoversOf(lab, `${paths.root}/`, record.ports ?? []);
      assert.ok(alive.processes.length >= 2, 'etcd and kube-apiserver outlive their supervisor');
      assert.ok(alive.netns.length >= 2, 'the fabric and node namespaces are still there');
      // A lab without its supervisor takes no more manifests: it says so and how to recover.
      const apply = await labApply({ lab, manifests: [], waitTimeoutMs: 1_000, progress: quiet });
      assert.deepEqual(apply, {
        ok: false,
        kind: 'unavailable',
        message: `lab '${lab}' is not running (its supervisor is gone); run 'netpol-assert lab down' and up again`,
      });
      assert.deepEqual(await labStatus({ lab }), apply, 'lab status says the same');
      const down = await labDown({ lab, progress: quiet });
      assert.ok(down.ok, JSON.stringify(down));
      const left = await leftoversOf(lab, `${paths.root}/`, record.ports ?? []);
      assert.deepEqual(left, { processes: [], netns: [], listening: [], stateFolder: false });
    });
  },
);
