/** Option groups shared by several commands (nx's `with…Options` builders). */
import type { Argv } from 'yargs';
// Straight from its file, not the folder's index: --help and --version need no YAML parser.
import { DEFAULT_AGENT_IMAGE } from '../shared/index.js';
import { REPORTER_NAMES } from '../report/index.js';
import type { ReporterName } from '../report/index.js';

export interface ReportOptions {
  reporter?: ReporterName[];
  junit?: string;
  json?: string;
  color?: boolean;
}

export function withReportOptions<T>(args: Argv<T>): Argv<T & ReportOptions> {
  return args
    .option('reporter', {
      type: 'string',
      array: true,
      choices: REPORTER_NAMES,
      describe: 'report format on stdout (repeatable); default: pretty on a TTY, tap otherwise',
    })
    .option('junit', { type: 'string', describe: 'also write a JUnit XML report to FILE' })
    .option('json', { type: 'string', describe: 'also write a JSON report to FILE' })
    .option('color', { type: 'boolean', describe: 'colour the pretty reporter (default: on a TTY)' }) as Argv<
    T & ReportOptions
  >;
}

export interface StateOptions {
  state: string[];
}

export function withStateOptions<T>(args: Argv<T>): Argv<T & StateOptions> {
  return args.option('state', {
    type: 'string',
    array: true,
    demandOption: true,
    describe: 'folder or file of Kubernetes manifests describing the cluster (repeatable)',
  }) as Argv<T & StateOptions>;
}

/** `--generate` and `--strict` for predict and run (generation.ts applies them). */
export interface GenerationOptions {
  generate: boolean;
  strict: boolean;
}

export function withGenerationOptions<T>(args: Argv<T>): Argv<T & GenerationOptions> {
  return args
    .option('generate', {
      type: 'boolean',
      default: false,
      describe:
        'add cases derived from the policies in force to every suite (as "generate: true" does for one)',
    })
    .option('strict', {
      type: 'boolean',
      default: false,
      describe: 'an assertion the policies contradict is an error (exit 2), reported before anything runs',
    }) as Argv<T & GenerationOptions>;
}

/** How a live run behaves: `run` and `recipes run` share these. */
export interface LiveRunArgs {
  image: string;
  'keep-agent': boolean;
  settle: number;
  'ready-timeout': number;
}

export function withLiveRunOptions<T>(
  args: Argv<T>,
  readyWhat = 'the probe and agent pods',
): Argv<T & LiveRunArgs> {
  return args
    .option('image', {
      type: 'string',
      default: DEFAULT_AGENT_IMAGE,
      describe: 'agent image (private registries)',
    })
    .option('keep-agent', {
      type: 'boolean',
      default: false,
      describe: 'leave the agent installed after the run',
    })
    .option('settle', {
      type: 'number',
      default: 0,
      describe: 'retry pairs that disagree with their expectation for up to S seconds (policy propagation)',
      coerce: seconds('--settle', 'a number of seconds, 0 or more', (value) => value >= 0),
    })
    .option('ready-timeout', {
      type: 'number',
      default: 120,
      describe: `seconds to wait for ${readyWhat}`,
      coerce: seconds('--ready-timeout', 'a number of seconds above 0', (value) => value > 0),
    }) as Argv<T & LiveRunArgs>;
}

/**
 * A number of seconds from the command line: `--ready-timeout abc` is NaN to yargs, which
 * would wait forever or not at all. Refused here, as a usage error (exit 2), before
 * anything connects.
 */
function seconds(
  flag: string,
  expected: string,
  valid: (value: number) => boolean,
): (value: number) => number {
  return (value) => {
    if (!Number.isFinite(value) || !valid(value)) throw new Error(`${flag}: expected ${expected}`);
    return value;
  };
}
