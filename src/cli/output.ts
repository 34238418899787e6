/**
 * Writing a run's reports: the chosen reporters on stdout, --junit and --json to files.
 * A single stdout reporter that reads top to bottom (pretty, tap) is written as the run
 * goes, each assertion as it is judged; the text is the same as written whole.
 */
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createReporter, exitCodeFor } from '../report/index.js';
import type { Reporter, ReporterName, ReportStream } from '../report/index.js';
import type { RunProgress, RunResult } from '../run/index.js';
import type { CommandContext } from './command.js';
import type { ReportOptions } from './options.js';

/** The reports of one run, started before it so they can follow it. */
export interface RunReports {
  /** Hand this to the run: it writes the stdout report as assertions are judged. */
  readonly progress: RunProgress;
  /** Writes what is left of the reports and the files; resolves to the exit code the run deserves. */
  finish(run: RunResult): Promise<number>;
  /** The run stopped before its end: closes a report already under way (TAP's `Bail out!`). */
  abandon(reason: string): void;
}

export function startReports(options: ReportOptions, context: CommandContext): RunReports {
  const color = options.color ?? context.isTTY;
  const reporters = stdoutReporters(options, context).map((name) => createReporter(name, { color }));
  // One report at a time on stdout: two written as the run goes would interleave.
  const [only] = reporters;
  const follower = reporters.length === 1 ? only?.stream?.bind(only) : undefined;
  let stream: ReportStream | undefined;
  const progress: RunProgress =
    follower === undefined
      ? {}
      : {
          onPlan(outline) {
            stream = follower(outline);
            context.stdout.write(stream.head);
          },
          onAssertion: (result, position) =>
            void context.stdout.write(stream?.onAssertion(result, position) ?? ''),
          onSuite: (result, index) => void context.stdout.write(stream?.onSuite(result, index) ?? ''),
        };
  return {
    progress,
    async finish(run) {
      if (stream !== undefined) context.stdout.write(ensureNewline(stream.end(run)));
      else for (const reporter of reporters) writeWhole(reporter, run, (text) => context.stdout.write(text));
      stream = undefined;
      await writeFiles(run, options, context);
      return exitCodeFor(run);
    },
    abandon(reason) {
      if (stream !== undefined) context.stdout.write(stream.bail(reason));
      stream = undefined;
    },
  };
}

/** Prints the reports of a run that is over and returns the exit code it deserves. */
export function writeReports(
  run: RunResult,
  options: ReportOptions,
  context: CommandContext,
): Promise<number> {
  return startReports(options, context).finish(run);
}

async function writeFiles(run: RunResult, options: ReportOptions, context: CommandContext): Promise<void> {
  const files: [string | undefined, ReporterName][] = [
    [options.junit, 'junit'],
    [options.json, 'json'],
  ];
  for (const [file, name] of files) {
    if (file === undefined) continue;
    const path = resolve(context.cwd, file);
    await mkdir(dirname(path), { recursive: true });
    const reporter = createReporter(name);
    if (reporter.chunks === undefined) {
      await writeFile(path, ensureNewline(reporter.render(run)));
      continue;
    }
    const handle = await open(path, 'w');
    try {
      for (const piece of reporter.chunks(run)) await handle.write(piece);
    } finally {
      await handle.close();
    }
  }
}

/** A report written once the run is over: in pieces when its format has them (json), else whole. */
function writeWhole(reporter: Reporter, run: RunResult, write: (text: string) => void): void {
  if (reporter.chunks === undefined) write(ensureNewline(reporter.render(run)));
  else for (const piece of reporter.chunks(run)) write(piece);
}

/** The contract: pretty on a TTY, tap otherwise, unless --reporter says. */
function stdoutReporters(options: ReportOptions, context: CommandContext): readonly ReporterName[] {
  if (options.reporter && options.reporter.length > 0) return [...new Set(options.reporter)];
  return [context.isTTY ? 'pretty' : 'tap'];
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
