/**
 * The agent's DaemonSet against Pod Security, judged by a real API server's PodSecurity
 * admission (Kubernetes 1.25 and later), not by a list of our own: the pod it makes is
 * refused at `baseline` for exactly the privileges agent/manifests/agent.yaml explains
 * (hostPID; SYS_ADMIN, SYS_PTRACE and NET_RAW; AppArmor unconfined) and nothing else, and the
 * namespace the manifest ships (`enforce: privileged`) admits it. Pods are created with
 * `dryRun: All`: admission runs, nothing is stored.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1DaemonSet, V1Namespace, V1Pod } from '@kubernetes/client-node';
import { serverVersion } from '../../src/lab/control-plane/index.js';
import { labDown, labUp } from '../../src/lab/index.js';
import { eventually, isRoot } from './lab-helpers.js';

const LAB = 'psstest';
const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const AGENT_MANIFEST = new URL('../../agent/manifests/agent.yaml', import.meta.url);
const quiet = (): void => undefined;

interface ShippedAgent {
  readonly namespace: V1Namespace;
  readonly daemonSet: V1DaemonSet;
}

async function shippedAgent(): Promise<ShippedAgent> {
  const documents = parseAllDocuments(await readFile(AGENT_MANIFEST, 'utf8')).map(
    (document) => document.toJSON() as { kind: string },
  );
  const namespace = documents.find((document) => document.kind === 'Namespace') as V1Namespace;
  const daemonSet = documents.find((document) => document.kind === 'DaemonSet') as V1DaemonSet;
  return { namespace, daemonSet };
}

/** The pod the DaemonSet controller would make from the template, in `namespace`. */
function agentPod(daemonSet: V1DaemonSet, namespace: string): V1Pod {
  const template = daemonSet.spec?.template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'agent-pss', namespace, ...template?.metadata },
    spec: template?.spec,
  };
}

/** The violation list of a PodSecurity refusal: `violates PodSecurity "baseline:latest": a, b, c`. */
function violationsOf(error: unknown): string[] {
  const body = String((error as { body?: unknown }).body ?? error);
  const message = (JSON.parse(body) as { message: string }).message;
  const list = /violates PodSecurity "[^"]+": (.*)$/.exec(message)?.[1];
  assert.ok(list !== undefined, `a PodSecurity refusal, not: ${message}`);
  return list.split(/, (?=[a-zA-Z]+[^,(]*\()/).map((violation) => violation.trim());
}

/** A namespace whose `default` service account exists: pods are admitted only then. */
async function createNamespace(core: CoreV1Api, body: V1Namespace): Promise<void> {
  const namespace = body.metadata?.name ?? '';
  await core.createNamespace({ body });
  const accounts = async () => (await core.listNamespacedServiceAccount({ namespace })).items;
  const found = await eventually(accounts, (items) => items.some((a) => a.metadata?.name === 'default'));
  assert.ok(found.length > 0, `the default service account of ${namespace} appeared`);
}

describe(
  'the agent against Pod Security',
  { skip: isRoot ? false : 'the lab needs root', timeout: 150_000 },
  () => {
    let kubeConfig: KubeConfig;
    let core: CoreV1Api;
    let admits = true;
    let agent: ShippedAgent;

    before(async () => {
      const up = await labUp({
        lab: LAB,
        manifests: [`${FIXTURES}basic/01-namespace.yaml`],
        cni: 'full',
        nodes: 1,
        startTimeoutMs: 90_000,
        waitTimeoutMs: 90_000,
        progress: quiet,
      });
      assert.ok(up.ok, `lab up failed: ${JSON.stringify(up)}`);
      kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(up.kubeconfig);
      core = kubeConfig.makeApiClient(CoreV1Api);
      const version = await serverVersion(kubeConfig);
      admits = version.major > 1 || version.minor >= 25;
      agent = await shippedAgent();
    });

    after(async () => {
      await labDown({ lab: LAB, progress: quiet });
    });

    test('at baseline the agent pod is refused for hostPID, its three added capabilities and AppArmor unconfined, nothing else', async (t) => {
      if (!admits) return t.skip('PodSecurity admission is GA from Kubernetes 1.25');
      await createNamespace(core, {
        metadata: { name: 'pss-baseline', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
      });
      const refusal = await core
        .createNamespacedPod({
          namespace: 'pss-baseline',
          body: agentPod(agent.daemonSet, 'pss-baseline'),
          dryRun: 'All',
        })
        .then(
          () => assert.fail('baseline admitted a hostPID pod with SYS_ADMIN'),
          (error: unknown) => error,
        );
      assert.equal((refusal as { code?: number }).code, 403);
      const violations = violationsOf(refusal).sort();
      assert.equal(violations.length, 3, violations.join('\n'));
      assert.match(violations.find((v) => v.startsWith('host namespaces')) ?? '', /hostPID=true/);
      const capabilities = violations.find((v) => v.startsWith('non-default capabilities')) ?? '';
      // every capability the manifest adds, NET_RAW included: baseline allows none of them
      assert.match(capabilities, /must not include "NET_RAW", "SYS_ADMIN", "SYS_PTRACE" in/);
      assert.match(violations.find((v) => /AppArmor/.test(v)) ?? '', /unconfined/);
    });

    test('the namespace the manifest ships enforces privileged and admits the DaemonSet and its pod', async (t) => {
      if (!admits) return t.skip('PodSecurity admission is GA from Kubernetes 1.25');
      assert.equal(agent.namespace.metadata?.labels?.['pod-security.kubernetes.io/enforce'], 'privileged');
      const name = agent.namespace.metadata?.name ?? '';
      await createNamespace(core, agent.namespace);
      const pod = await core.createNamespacedPod({
        namespace: name,
        body: agentPod(agent.daemonSet, name),
        dryRun: 'All',
      });
      assert.equal(pod.spec?.hostPID, true);
      const apps = kubeConfig.makeApiClient(AppsV1Api);
      const daemonSet = await apps.createNamespacedDaemonSet({
        namespace: name,
        body: agent.daemonSet,
        dryRun: 'All',
      });
      assert.equal(daemonSet.metadata?.name, 'netpol-assert-agent');
    });
  },
);
