/**
 * The one way the lab runs a program: execa with an argument array (never a shell), a
 * time limit, and a failure that names the command and carries its stderr.
 */
import { execa } from 'execa';

export class CommandFailed extends Error {
  constructor(
    readonly command: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(`${command.join(' ')} failed (exit ${exitCode ?? '?'}): ${stderr.trim() || 'no output'}`, options);
    this.name = 'CommandFailed';
  }
}

export interface RunOptions {
  /** Text for the program's stdin (e.g. `ip -batch -`, `nft -f -`). */
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

export async function runCommand(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  for (const arg of [file, ...args]) {
    if (arg.includes('\0')) throw new Error(`argument with a NUL byte for ${file}`);
  }
  const result = await execa(file, args, {
    reject: false,
    timeout: options.timeoutMs ?? 30_000,
    stripFinalNewline: false,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  if (result.failed) {
    throw new CommandFailed([file, ...args], result.exitCode, String(result.stderr ?? result.message));
  }
  return String(result.stdout);
}
