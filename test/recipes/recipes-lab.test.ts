/**
 * `netpol-assert recipes run` in the lab, once per `--cni` mode, all packs in one lab
 * each: with a conformant data plane every pack passes; with a faulty one each pack fails
 * exactly where the fault applies, as the model derives it (fault-model.ts). Every lab
 * is taken down again, and no pack namespace outlives its run. Needs root, iproute2,
 * nftables, a C compiler and the lab's Kubernetes binaries; skipped otherwise.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { findLabBinaries } from '../../src/lab/control-plane/index.js';
import { labDown, labUp } from '../../src/lab/index.js';
import type { Outcome } from '../../src/run/index.js';
import {
  cellOf,
  listRecipeIds,
  liveSuite,
  loadRecipe,
  PACK_PREFIX,
  renderMatrix,
} from '../../src/recipes/index.js';
import type { Cell, RecipePack } from '../../src/recipes/index.js';
import type { JsonReport } from '../../src/report/index.js';
import { runCli } from '../cli/run-cli.js';
import { labSkipReason } from '../lab/lab-support.js';
import { caseKey, expectedFailures, FAULT_MODES } from './fault-model.js';
import type { FaultMode } from './fault-model.js';

const skip = (await labSkipReason()) ?? (await binariesMissing()) ?? false;
const quiet = (): void => undefined;

const LABS: Readonly<Record<FaultMode, string>> = {
  full: 'rcpfull',
  none: 'rcpnone',
  'ingress-only': 'rcpingress',
  'no-combined-selectors': 'rcpncs',
};

const WHAT_FAILS: Readonly<Record<FaultMode, string>> = {
  full: 'every pack passes (exit 0)',
  none: 'exactly the deny assertions fail (exit 1)',
  'ingress-only': 'exactly the denies only an egress policy enforces fail (exit 1)',
  'no-combined-selectors':
    "exactly recipe 07's allow through a namespaceSelector+podSelector peer fails (exit 1)",
};

const packs: RecipePack[] = [];
for (const id of await listRecipeIds()) {
  const load = await loadRecipe(id);
  if (load.ok) packs.push(load.pack);
}

/** What a lab run must show per case: skipped where a live run cannot probe, else the model's verdict. */
function expectedCells(mode: FaultMode): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  for (const pack of packs) {
    const failing = expectedFailures(pack, mode);
    for (const assertion of liveSuite(pack, { outsideHosts: true }).assertions) {
      const key = caseKey(pack.id, assertion.name);
      cells.set(key, assertion.skip !== undefined ? 'skip' : failing.has(key) ? 'fail' : 'pass');
    }
  }
  return cells;
}

// Four labs of about a minute each on 2 cores: a bound against a hang, not a measure of speed.
describe('recipes run in the lab, one lab per --cni mode', { skip, timeout: 600_000 }, () => {
  const seen = new Map<FaultMode, Map<string, Cell>>();

  after(async () => {
    if (seen.size === 0) return;
    const modes = FAULT_MODES.filter((mode) => seen.has(mode));
    const rows = [...expectedCells('full').keys()].map((key) => {
      const [recipe = '', name = ''] = key.split('\n');
      return { recipe, name, cells: modes.map((mode) => seen.get(mode)?.get(key) ?? 'skip') };
    });
    const table = renderMatrix({ columns: modes.map((mode) => `--cni ${mode}`), rows }, { summary: false });
    process.stderr.write(`\n${table}`);
    const file = process.env.RECIPES_MATRIX_FILE;
    if (file !== undefined) await writeFile(file, table);
  });

  for (const mode of FAULT_MODES) {
    test(`--cni ${mode}: ${WHAT_FAILS[mode]}, and no pack namespace is left`, async () => {
      const lab = LABS[mode];
      const started = Date.now();
      const up = await labUp({
        lab,
        manifests: [],
        cni: mode,
        nodes: 2,
        startTimeoutMs: 90_000,
        waitTimeoutMs: 60_000,
        progress: quiet,
      });
      try {
        assert.ok(up.ok, `lab up failed: ${JSON.stringify(up)}`);
        const upAfterMs = Date.now() - started;
        const run = await runCli([
          'recipes',
          'run',
          '--lab',
          lab,
          '--reporter',
          'json',
          '--ready-timeout',
          '90',
        ]);
        const report = JSON.parse(run.stdout) as JsonReport;
        const cells = new Map<string, Cell>();
        for (const suite of report.suites)
          for (const assertion of suite.assertions)
            cells.set(caseKey(suite.name, assertion.name), cellOf(assertion.outcome as Outcome));
        seen.set(mode, cells);
        assert.deepEqual(sorted(cells), sorted(expectedCells(mode)), run.stderr);
        assert.equal(run.exitCode, mode === 'full' ? 0 : 1);
        assert.deepEqual(await packNamespaces(up.kubeconfig), []);
        process.stderr.write(
          `--cni ${mode}: lab up ${upAfterMs} ms; recipes run ${Date.now() - started - upAfterMs} ms ` +
            `(apply, pods Ready, policies, live run ${report.durationMs} ms, delete, wait until gone)\n`,
        );
      } finally {
        await labDown({ lab, progress: quiet });
      }
    });
  }
});

function sorted(cells: ReadonlyMap<string, Cell>): [string, Cell][] {
  return [...cells].sort(([a], [b]) => a.localeCompare(b));
}

async function packNamespaces(kubeconfig: string): Promise<string[]> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfig);
  const list = await kubeConfig.makeApiClient(CoreV1Api).listNamespace();
  return list.items.map((ns) => ns.metadata?.name ?? '').filter((name) => name.startsWith(PACK_PREFIX));
}

async function binariesMissing(): Promise<string | undefined> {
  return findLabBinaries().then(
    () => undefined,
    (error: unknown) => `the lab's Kubernetes binaries are missing: ${String(error)}`,
  );
}
