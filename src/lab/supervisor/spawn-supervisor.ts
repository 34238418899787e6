/**
 * Start the supervisor as a detached process that outlives `lab up`: the same Node.js,
 * the sibling supervisor-main module (under tsx when running from source), its output
 * appended to logs/supervisor.log, in a session of its own so a terminal's Ctrl-C does
 * not reach it.
 */
import { mkdir } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { openLogFile } from '../control-plane/index.js';
import { labPaths } from '../names/index.js';
import type { LabPaths } from '../names/index.js';
import type { SupervisorConfig } from './supervisor-config.js';

export interface SupervisorCommand {
  readonly file: string;
  readonly args: readonly string[];
}

export function supervisorCommand(config: SupervisorConfig): SupervisorCommand {
  const extension = extname(fileURLToPath(import.meta.url));
  const entry = fileURLToPath(new URL(`./supervisor-main${extension}`, import.meta.url));
  const loader = extension === '.ts' ? ['--import', import.meta.resolve('tsx')] : [];
  // The state folder as a last argument marks the process as this lab's for `lab down`'s straggler search.
  const marker = `${labPaths(config.lab, config.stateRoot).root}/`;
  return { file: process.execPath, args: [...loader, entry, JSON.stringify(config), marker] };
}

/** Starts the supervisor; returns its pid without waiting for it. */
export async function spawnSupervisor(paths: LabPaths, config: SupervisorConfig): Promise<number> {
  await mkdir(paths.logs, { recursive: true, mode: 0o700 });
  const log = openLogFile(paths.supervisorLog);
  const command = supervisorCommand(config);
  const subprocess = execa(command.file, command.args, {
    detached: true,
    cleanup: false,
    reject: false,
    stdin: 'ignore',
    stdout: log.fd,
    stderr: log.fd,
    cwd: '/',
  });
  log.close();
  // Its end is for `lab down` to see, not for this process to wait on.
  subprocess.catch(() => undefined);
  subprocess.unref();
  if (subprocess.pid === undefined) throw new Error(`could not start the lab supervisor (${command.file})`);
  return subprocess.pid;
}
