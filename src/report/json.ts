/**
 * The JSON report, for tools: every suite, assertion and pair with its outcome. Its
 * shape is described by schemas/report.schema.json; `reportVersion` changes when a field
 * is removed or changes meaning, never when one is added.
 */
import type { Protocol } from '../policy/index.js';
import type {
  AssertionResult,
  EndpointRef,
  Observation,
  Outcome,
  PairResult,
  RunResult,
  SuiteResult,
} from '../run/index.js';
import { formatEndpoint } from '../suite/index.js';
import type { AssertionOrigin, Expectation, SourceLocation } from '../suite/index.js';
import { toJsonVerdict } from './json-verdict.js';
import type { JsonVerdict } from './json-verdict.js';
import { renderVerdict } from './render-verdict.js';
import type { KnownPolicies } from './render-verdict.js';
import type { Reporter } from './reporter.js';
import { exitCodeFor, summarize, summarizeAssertions } from './summary.js';
import type { Summary } from './summary.js';

export const REPORT_SCHEMA_ID = 'https://netpol-assert.io/schemas/report.schema.json';
export const REPORT_VERSION = 1;

export interface JsonReport {
  readonly $schema: typeof REPORT_SCHEMA_ID;
  readonly reportVersion: typeof REPORT_VERSION;
  readonly tool: 'netpol-assert';
  readonly mode: RunResult['mode'];
  readonly target: string;
  readonly durationMs: number;
  readonly exitCode: 0 | 1;
  readonly summary: Summary;
  readonly suites: readonly JsonSuite[];
}

export interface JsonSuite {
  readonly name: string;
  readonly file: string;
  readonly durationMs: number;
  readonly summary: Summary;
  readonly assertions: readonly JsonAssertion[];
}

export interface JsonAssertion {
  readonly name: string;
  readonly location: SourceLocation;
  readonly origin: AssertionOrigin;
  readonly from: string;
  readonly to: string;
  /** A number, a container port name, or null for every declared port of the destination. */
  readonly port: number | string | null;
  readonly protocol: Protocol;
  readonly expect: Expectation;
  readonly attempts: number;
  readonly timeoutMs: number;
  readonly outcome: Outcome;
  readonly reason?: string;
  readonly durationMs: number;
  readonly pairs: readonly JsonPair[];
}

export interface JsonPair {
  readonly source: EndpointRef;
  readonly destination: EndpointRef;
  readonly port: number;
  readonly protocol: Protocol;
  readonly expected: Expectation;
  readonly observations: readonly Observation[];
  readonly outcome: PairResult['outcome'];
  readonly reason?: string;
  /** `verdict` in words. */
  readonly explanation?: string;
  /** What the policies say about the pair and why, from the model; on every pair that did not pass. */
  readonly verdict?: JsonVerdict;
  readonly settledAfterSeconds?: number;
}

export function createJsonReporter(): Reporter {
  return { name: 'json', render: renderJson, chunks: renderJsonChunks };
}

export function renderJson(run: RunResult): string {
  return [...renderJsonChunks(run)].join('');
}

/**
 * The report as JSON.stringify(report, null, 2) writes it, an assertion at a time: a run
 * of tens of thousands of pairs is never one object tree beside its result, nor one
 * string. Each piece is a part of the report rendered on its own and indented to its
 * depth: in pretty-printed JSON a newline is only ever indentation (one inside a string
 * is written `\n`).
 */
export function* renderJsonChunks(run: RunResult): Generator<string> {
  yield `${withoutClose(JSON.stringify(jsonHead(run), null, 2))},\n  "suites": `;
  if (run.suites.length === 0) return yield '[]\n}\n';
  yield '[\n';
  for (const [index, suite] of run.suites.entries()) {
    yield `    ${indented(withoutClose(JSON.stringify(jsonSuiteHead(suite), null, 2)), 2)},\n      "assertions": `;
    if (suite.assertions.length === 0) yield '[]';
    else {
      yield '[\n';
      for (const [at, result] of suite.assertions.entries()) {
        const text = indented(JSON.stringify(jsonAssertion(result, run), null, 2), 4);
        yield `        ${text}${at === suite.assertions.length - 1 ? '\n' : ',\n'}`;
      }
      yield '      ]';
    }
    yield `\n    }${index === run.suites.length - 1 ? '\n' : ',\n'}`;
  }
  yield '  ]\n}\n';
}

/** An object's pretty JSON without its closing `\n}`: more members follow. */
function withoutClose(text: string): string {
  return text.slice(0, text.length - 2);
}

function indented(text: string, depth: number): string {
  return text.replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

export function toJsonReport(run: RunResult): JsonReport {
  return {
    ...jsonHead(run),
    suites: run.suites.map((suite) => ({
      ...jsonSuiteHead(suite),
      assertions: suite.assertions.map((result) => jsonAssertion(result, run)),
    })),
  };
}

/** Every member of the report but its suites, in the report's order (suites come last). */
function jsonHead(run: RunResult): Omit<JsonReport, 'suites'> {
  return {
    $schema: REPORT_SCHEMA_ID,
    reportVersion: REPORT_VERSION,
    tool: 'netpol-assert',
    mode: run.mode,
    target: run.target,
    durationMs: run.durationMs,
    exitCode: exitCodeFor(run),
    summary: summarize(run),
  };
}

/** Every member of a suite but its assertions (which come last). */
function jsonSuiteHead(suite: SuiteResult): Omit<JsonSuite, 'assertions'> {
  return {
    name: suite.suite.name,
    file: suite.suite.file,
    durationMs: suite.durationMs,
    summary: summarizeAssertions(suite.assertions),
  };
}

function jsonAssertion(result: AssertionResult, known: KnownPolicies): JsonAssertion {
  const { assertion } = result;
  const port =
    assertion.port === undefined
      ? null
      : assertion.port.kind === 'number'
        ? assertion.port.port
        : assertion.port.name;
  return {
    name: assertion.name,
    location: { ...assertion.location },
    origin: assertion.origin,
    from: formatEndpoint(assertion.from),
    to: formatEndpoint(assertion.to),
    port,
    protocol: assertion.protocol,
    expect: assertion.expect,
    attempts: assertion.attempts,
    timeoutMs: assertion.timeoutMs,
    outcome: result.outcome,
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    durationMs: result.durationMs,
    pairs: result.pairs.map((pair) => jsonPair(pair, known)),
  };
}

/** Only the fields the schema lists, whatever else a PairResult may carry one day. */
function jsonPair(pair: PairResult, known: KnownPolicies): JsonPair {
  return {
    source: endpointRef(pair.source),
    destination: endpointRef(pair.destination),
    port: pair.port,
    protocol: pair.protocol,
    expected: pair.expected,
    observations: [...pair.observations],
    outcome: pair.outcome,
    ...(pair.reason === undefined ? {} : { reason: pair.reason }),
    ...(pair.verdict === undefined
      ? {}
      : { explanation: renderVerdict(pair.verdict, known), verdict: toJsonVerdict(pair.verdict) }),
    ...(pair.settledAfterSeconds === undefined ? {} : { settledAfterSeconds: pair.settledAfterSeconds }),
  };
}

function endpointRef(endpoint: EndpointRef): EndpointRef {
  return endpoint.ip === undefined
    ? { display: endpoint.display }
    : { display: endpoint.display, ip: endpoint.ip };
}
