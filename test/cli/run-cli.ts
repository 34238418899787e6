/** Runs the real command line in-process and collects what it prints. */
import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

export async function runCli(argv: readonly string[], options: { isTTY?: boolean } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const exitCode = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: options.isTTY ?? false,
    cwd: REPO_ROOT,
  });
  return { exitCode, stdout, stderr };
}
