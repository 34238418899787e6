/** Writing a run's reports: the chosen reporters on stdout, --junit and --json to files. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createReporter, exitCodeFor } from '../report/index.js';
import type { ReporterName } from '../report/index.js';
import type { RunResult } from '../probe/index.js';
import type { CommandContext } from './command.js';
import type { ReportOptions } from './options.js';

/** Prints the reports and returns the exit code the run deserves. */
export async function writeReports(
  run: RunResult,
  options: ReportOptions,
  context: CommandContext,
): Promise<number> {
  const color = options.color ?? context.isTTY;
  for (const name of stdoutReporters(options, context)) {
    context.stdout.write(ensureNewline(createReporter(name, { color }).render(run)));
  }
  const files: [string | undefined, ReporterName][] = [
    [options.junit, 'junit'],
    [options.json, 'json'],
  ];
  for (const [file, name] of files) {
    if (file === undefined) continue;
    const path = resolve(context.cwd, file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, ensureNewline(createReporter(name).render(run)));
  }
  return exitCodeFor(run);
}

/** The contract: pretty on a TTY, tap otherwise, unless --reporter says. */
function stdoutReporters(options: ReportOptions, context: CommandContext): readonly ReporterName[] {
  if (options.reporter && options.reporter.length > 0) return [...new Set(options.reporter)];
  return [context.isTTY ? 'pretty' : 'tap'];
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
