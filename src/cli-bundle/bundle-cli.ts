/**
 * Bundles the command line for the installed package, so it starts by loading a few
 * files instead of hundreds of modules: esbuild, ESM with code splitting, so what only a
 * live command needs (loaded by `import()`) stays in chunks that offline commands never
 * load. Only the packages offline commands use are bundled; the rest (the Kubernetes
 * client, ws, execa, ...) load from node_modules when a live command asks for them. The
 * suite schema's validator goes in precompiled (src/suite/suite-validator-source.ts).
 */
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { suiteValidatorSource } from '../suite/suite-validator-source.js';

/**
 * As deep below the package root as the compiled dist/src/<domain>/ modules, so
 * paths modules take relative to themselves (`../../recipes/`, `../../agent/manifests/`)
 * find the same files beside dist/.
 */
export const CLI_BUNDLE_FOLDER = 'dist/bundle/cli';
export const CLI_BUNDLE_ENTRY = 'netpol-assert.js';

/** What offline commands import; their own imports are bundled with them. */
const BUNDLED_PACKAGES: ReadonlySet<string> = new Set(['yaml', 'yargs']);

// Bundled CommonJS modules may call require() for Node's modules; ESM chunks have no require of their own.
const BANNER =
  "import { createRequire as __npaCreateRequire } from 'node:module';\n" +
  'const require = __npaCreateRequire(import.meta.url);';

export interface BundledCli {
  readonly folder: string;
  readonly entry: string;
  readonly files: readonly string[];
}

/** Bundles into `outdir` (default: CLI_BUNDLE_FOLDER under `root`), emptied first. */
export async function bundleCli(
  root: string,
  outdir: string = join(root, CLI_BUNDLE_FOLDER),
): Promise<BundledCli> {
  const esbuild = await import('esbuild');
  await rm(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    // The supervisor is a process of its own, found beside the module that spawns it.
    entryPoints: {
      'netpol-assert': 'src/cli/bin.ts',
      'supervisor-main': 'src/lab/supervisor/supervisor-main.ts',
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: BANNER },
    legalComments: 'inline',
    logLevel: 'silent',
    metafile: true,
    plugins: [
      onlyOfflinePackages(),
      precompiledSuiteValidator(root),
      asciiStringWidth(),
      yargsLocalesBeside(),
    ],
  });
  await cp(join(root, 'node_modules/yargs/locales'), join(outdir, YARGS_LOCALES), { recursive: true });
  // The lab's C programs are compiled on first use from the sources beside their modules.
  for (const [part, source] of [
    ['responder', 'responder.c'],
    ['link-faults', 'lossy-link.c'],
  ] as const) {
    await mkdir(join(outdir, part), { recursive: true });
    await cp(join(root, 'src/lab', part, source), join(outdir, part, source));
  }
  return {
    folder: outdir,
    entry: join(outdir, CLI_BUNDLE_ENTRY),
    files: Object.keys(result.metafile.outputs),
  };
}

const YARGS_LOCALES = 'locales';

/**
 * yargs finds its translations three folders up from its platform shim
 * (node_modules/yargs/locales); bundled, the shim is a file in the bundle's folder, so it
 * looks in the copy made beside it.
 */
function yargsLocalesBeside(): Plugin {
  const original = "resolve(__dirname, '../../../locales')";
  return {
    name: 'yargs-locales-beside',
    setup(build) {
      build.onLoad({ filter: /\/node_modules\/yargs\/lib\/platform-shims\/esm\.mjs$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!text.includes(original)) throw new Error(`${args.path} no longer reads ${original}`);
        return {
          contents: text.replace(original, `resolve(__dirname, '../${YARGS_LOCALES}')`),
          loader: 'js',
        };
      });
    },
  };
}

/** Packages imported by our sources stay external unless offline commands need them. */
function onlyOfflinePackages(): Plugin {
  return {
    name: 'only-offline-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind === 'entry-point' || args.importer.includes('/node_modules/')) return undefined;
        if (args.path.startsWith('node:') || !BUNDLED_PACKAGES.has(packageName(args.path)))
          return { external: true };
        return undefined;
      });
    },
  };
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** src/suite/suite-validator.ts (ajv compiling at run time) replaced by its precompiled source. */
function precompiledSuiteValidator(root: string): Plugin {
  const suiteFolder = join(root, 'src/suite');
  return {
    name: 'precompiled-suite-validator',
    setup(build) {
      build.onResolve({ filter: /^\.\/suite-validator\.js$/ }, (args) =>
        args.resolveDir === suiteFolder ? { path: 'suite-validator', namespace: 'precompiled' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'precompiled' }, () => ({
        contents: suiteValidatorSource(join(root, 'schemas/suite.schema.json')),
        resolveDir: suiteFolder,
        loader: 'js',
      }));
    },
  };
}

/**
 * yargs renders every command's help before running it (to show it later if asked), and
 * measures each piece with string-width, whose grapheme segmenter and emoji patterns cost
 * tens of milliseconds cold (the segmenter alone about 30 ms, made as the module loads).
 * Printable ASCII is one column a character, so such strings are measured by length and
 * anything else goes to string-width as before, which makes its segmenter on first use.
 */
const EAGER_SEGMENTER = 'const segmenter = new Intl.Segmenter();';
const LAZY_SEGMENTER =
  'let madeSegmenter; const segmenter = { segment: (text) => (madeSegmenter ??= new Intl.Segmenter()).segment(text) };';

function asciiStringWidth(): Plugin {
  return {
    name: 'ascii-string-width',
    setup(build) {
      build.onResolve({ filter: /^string-width$/ }, async (args) => {
        if (args.pluginData === 'real') return undefined;
        const real = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'real',
        });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: real.path, namespace: 'ascii-string-width' };
      });
      build.onLoad(
        { filter: /\/node_modules\/(.+\/)?string-width\/index\.js$/, namespace: 'file' },
        async (args) => {
          const text = await readFile(args.path, 'utf8');
          if (!text.includes(EAGER_SEGMENTER))
            throw new Error(`${args.path} no longer has ${EAGER_SEGMENTER}`);
          return { contents: text.replace(EAGER_SEGMENTER, LAZY_SEGMENTER), loader: 'js' };
        },
      );
      build.onLoad({ filter: /.*/, namespace: 'ascii-string-width' }, (args) => ({
        contents: [
          `import stringWidth from ${JSON.stringify(args.path)};`,
          'const PRINTABLE_ASCII = /^[\\x20-\\x7e]*$/;',
          'export default function asciiStringWidth(string, options) {',
          "  return typeof string === 'string' && PRINTABLE_ASCII.test(string) ? string.length : stringWidth(string, options);",
          '}',
        ].join('\n'),
        resolveDir: build.initialOptions.absWorkingDir ?? process.cwd(),
        loader: 'js',
      }));
    },
  };
}
