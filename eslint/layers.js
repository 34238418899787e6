// @ts-check
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
/**
 * The layers of src/, lowest first, and what each may import (docs/architecture.md draws them).
 * Two rules come out of this table, both as import-x/no-restricted-paths zones:
 * - a folder imports only the folders listed for it (so a lower layer never reaches up);
 * - across folders, only through the other folder's index.ts (its front door).
 * Inside src/lab the same front-door rule holds between its subfolders.
 */

/** @type {Record<string, string[]>} folder -> the folders it may import */
export const LAYERS = {
  shared: [],
  policy: ['shared'],
  suite: ['shared', 'policy'],
  manifests: ['shared', 'policy', 'suite'],
  plan: ['shared', 'policy', 'suite'],
  generate: ['shared', 'policy', 'suite', 'plan'],
  run: ['shared', 'policy', 'suite', 'plan'],
  report: ['shared', 'policy', 'suite', 'run'],
  action: ['shared', 'report'],
  probe: ['shared', 'policy', 'suite', 'plan', 'run'],
  cluster: ['shared', 'policy', 'manifests', 'probe'],
  'agent-payload': ['shared'],
  lab: ['shared', 'policy', 'manifests', 'cluster', 'agent-payload'],
  recipes: ['shared', 'policy', 'suite', 'manifests', 'plan', 'run', 'probe', 'cluster', 'lab'],
  cli: [
    'shared',
    'policy',
    'suite',
    'manifests',
    'plan',
    'generate',
    'run',
    'report',
    'probe',
    'cluster',
    'agent-payload',
    'lab',
    'recipes',
  ],
  'cli-bundle': ['suite'],
};

/** Subfolders of src/lab: each is entered through its index.ts by its siblings. */
export const LAB_PARTS = subfolders('src/lab');

/** Files other than index.ts that are a folder's door on purpose (why: see each entry). */
/** @type {Record<string, string[]>} */
const EXTRA_DOORS = {
  // The bundler's build step reads the validator's source text, not the validator.
  suite: ['./suite-validator-source.ts'],
  // Light doors: what offline commands need without the Kubernetes client, execa or the lab
  // (test/cli/offline-imports.test.ts holds them to it).
  recipes: ['./packs.ts'],
  'agent-payload': ['./payload-layout.ts'],
};

/** @param {string} path a folder below the repository root */
function subfolders(path) {
  const url = new URL(`../${path}/`, import.meta.url);
  return readdirSync(fileURLToPath(url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** @param {string} folder */
function frontDoor(folder) {
  return ['./index.ts', ...(EXTRA_DOORS[folder] ?? [])];
}

/** @returns {Array<{ target: string; from: string; except?: string[]; message: string }>} */
export function layerZones() {
  const folders = Object.keys(LAYERS);
  // A new folder under src/ must take its place in the table before anything lints.
  const unplaced = subfolders('src').filter((folder) => !folders.includes(folder));
  if (unplaced.length > 0)
    throw new Error(`eslint/layers.js: place src/${unplaced.join(', src/')} in LAYERS`);
  const zones = [];
  for (const folder of folders) {
    for (const other of folders) {
      if (other === folder) continue;
      if (LAYERS[folder].includes(other)) {
        zones.push({
          target: `./src/${folder}`,
          from: `./src/${other}`,
          except: frontDoor(other),
          message: `import src/${other} through its index.ts (docs/architecture.md).`,
        });
      } else {
        zones.push({
          target: `./src/${folder}`,
          from: `./src/${other}`,
          message: `src/${folder} may not import src/${other}: see the layers in docs/architecture.md.`,
        });
      }
    }
  }
  for (const part of LAB_PARTS) {
    for (const other of LAB_PARTS) {
      if (other === part) continue;
      zones.push({
        target: `./src/lab/${part}`,
        from: `./src/lab/${other}`,
        except: ['./index.ts'],
        message: `import src/lab/${other} through its index.ts (docs/architecture.md).`,
      });
    }
  }
  return zones;
}
