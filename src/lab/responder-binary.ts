/**
 * The responder is built lazily with the system C compiler into a cache outside the
 * repository, keyed by a hash of its source, so an edited source is rebuilt and a
 * cached binary is never stale. `NETPOL_ASSERT_RESPONDER` points at a prebuilt binary.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandFailed, runCommand } from './run-command.js';
import { isExecutable } from './is-executable.js';

const SOURCE = fileURLToPath(new URL('./responder/responder.c', import.meta.url));

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
  const source = await readFile(SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const target = join(cacheDir, `responder-${hash}`);
  if (await isExecutable(target)) return target;
  await mkdir(cacheDir, { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    // Static when libc.a is there: about half the resident memory of a dynamic binary.
    await compile(['-O2', '-static', '-o', temporary, SOURCE]).catch((error: unknown) => {
      if (!(error instanceof CommandFailed)) throw error;
      return compile(['-O2', '-o', temporary, SOURCE]);
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
