/**
 * The lab's small C programs (the responder, the lossy link) are built lazily with the
 * system C compiler into a cache outside the repository, keyed by a hash of their source,
 * so an edited source is rebuilt and a cached binary is never stale.
 */
import { createHash } from 'node:crypto';
import { access, constants, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { isExecutable } from './is-executable.js';
import { CommandFailed, runCommand } from './run-command.js';

export interface CProgram {
  /** The binary's name in the cache, before the source's hash. */
  readonly name: string;
  /** Where the source may be, first found wins (beside the module, or in the bundle's folder). */
  readonly sources: readonly string[];
}

export function defaultCacheDir(): string {
  return process.env.NETPOL_ASSERT_CACHE ?? join(homedir(), '.cache', 'netpol-assert');
}

const builds = new Map<string, Promise<string>>();

/** The path of the built program, building it on first use. */
export function cProgramBinary(program: CProgram, cacheDir: string = defaultCacheDir()): Promise<string> {
  const key = `${program.name}\0${cacheDir}`;
  let build = builds.get(key);
  if (build === undefined) {
    build = buildProgram(program, cacheDir);
    builds.set(key, build);
    build.catch(() => builds.delete(key));
  }
  return build;
}

async function buildProgram(program: CProgram, cacheDir: string): Promise<string> {
  const sourcePath = await findSource(program);
  const source = await readFile(sourcePath);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const target = join(cacheDir, `${program.name}-${hash}`);
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

async function findSource(program: CProgram): Promise<string> {
  for (const candidate of program.sources) {
    if (await isReadable(candidate)) return candidate;
  }
  const file = basename(program.sources[0] ?? program.name);
  throw new Error(`${file} not found (looked at ${program.sources.join(', ')})`);
}

async function isReadable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}
