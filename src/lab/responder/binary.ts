/**
 * The responder is built lazily with the system C compiler into a cache outside the
 * repository, keyed by a hash of its source, so an edited source is rebuilt and a
 * cached binary is never stale. `NETPOL_ASSERT_RESPONDER` points at a prebuilt binary.
 */
import { createHash } from 'node:crypto';
import { access, constants, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandFailed, isExecutable, runCommand } from '../host/index.js';

/**
 * Beside this module in the sources and in dist/src/lab/responder/; in the command-line
 * bundle, whose chunks sit in one folder, in responder/ beside them (src/cli-bundle).
 */
const SOURCE_CANDIDATES = ['./responder.c', './responder/responder.c'].map((relative) =>
  fileURLToPath(new URL(relative, import.meta.url)),
);

export function defaultCacheDir(): string {
  return process.env.NETPOL_ASSERT_CACHE ?? join(homedir(), '.cache', 'netpol-assert');
}

const builds = new Map<string, Promise<string>>();

/** The path of a built responder, building it on first use. */
export function responderBinary(cacheDir: string = defaultCacheDir()): Promise<string> {
  const prebuilt = process.env.NETPOL_ASSERT_RESPONDER;
  if (prebuilt !== undefined && prebuilt !== '') return Promise.resolve(prebuilt);
  let build = builds.get(cacheDir);
  if (build === undefined) {
    build = buildResponder(cacheDir);
    builds.set(cacheDir, build);
    build.catch(() => builds.delete(cacheDir));
  }
  return build;
}

async function buildResponder(cacheDir: string): Promise<string> {
  const sourcePath = await findSource();
  const source = await readFile(sourcePath);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const target = join(cacheDir, `responder-${hash}`);
  if (await isExecutable(target)) return target;
  await mkdir(cacheDir, { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    // Static when libc.a is there: about half the resident memory of a dynamic binary.
    await compile(['-O2', '-static', '-o', temporary, sourcePath]).catch((error: unknown) => {
      if (!(error instanceof CommandFailed)) throw error;
      return compile(['-O2', '-o', temporary, sourcePath]);
    });
    await rename(temporary, target);
  } finally {
    await rm(temporary, { force: true });
  }
  return target;
}

async function compile(args: string[]): Promise<void> {
  await runCommand('cc', args, { timeoutMs: 120_000 });
}

async function findSource(): Promise<string> {
  for (const candidate of SOURCE_CANDIDATES) {
    if (await isReadable(candidate)) return candidate;
  }
  throw new Error(`responder.c not found (looked at ${SOURCE_CANDIDATES.join(', ')})`);
}

async function isReadable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}
