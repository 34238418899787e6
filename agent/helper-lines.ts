/**
 * The line format between the agent and netpol-probe (see native/netpol-probe.c):
 * `netns` and task lines, `go` and `stop` lines in; `ready`, `netns-failed` and `result`
 * lines out. Words only, so no quoting (a `netns` line's path is the rest of its line):
 * the batch decoder has already checked addresses, nonces and paths.
 */
import { assertNever } from './never.js';
import { CAPTURE_OBSERVATIONS, PROBE_OBSERVATIONS } from './protocol.js';
import type { CaptureObservation, ProbeObservation } from './protocol.js';

export type HelperTask =
  | {
      readonly kind: 'probe';
      readonly index: number;
      readonly mode: 'tcp' | 'udp' | 'udp-send' | 'sctp' | 'dns-udp' | 'dns-tcp';
      readonly ip: string;
      readonly port: number;
      readonly timeoutMs: number;
      readonly attempts: number;
      readonly nonce: string;
    }
  | {
      readonly kind: 'capture';
      readonly index: number;
      readonly port: number;
      /** The whole listening window, from `go`. */
      readonly timeoutMs: number;
      readonly attempts: number;
      readonly nonce: string;
    };

export type HelperWord = ProbeObservation | CaptureObservation;

export type HelperLine =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'result';
      readonly index: number;
      readonly attempt: number;
      readonly word: HelperWord;
      readonly elapsedMs: number;
      readonly detail?: string;
    }
  /** The `netns` line number `netns` (from 0) could not be entered: its tasks were not run. */
  | { readonly kind: 'netns-failed'; readonly netns: number; readonly detail: string }
  | { readonly kind: 'fatal'; readonly message: string }
  | { readonly kind: 'unknown'; readonly text: string };

const WORDS: readonly string[] = [...PROBE_OBSERVATIONS, ...CAPTURE_OBSERVATIONS];

export function formatTask(task: HelperTask): string {
  switch (task.kind) {
    case 'probe':
      return `probe ${task.index} ${task.mode} ${task.ip} ${task.port} ${task.timeoutMs} ${task.attempts} ${task.nonce}`;
    case 'capture':
      return `capture ${task.index} ${task.port} ${task.timeoutMs} ${task.attempts} ${task.nonce}`;
    default:
      return assertNever(task);
  }
}

/** The helper's whole input before `go`: every task, then `end`. */
export function formatTasks(tasks: readonly HelperTask[]): string {
  return tasks.map((task) => formatTask(task) + '\n').join('') + 'end\n';
}

/** Tasks in several namespaces for one helper: each namespace's `netns PATH` line, then its tasks; `end`. */
export function formatNamespacedTasks(
  namespaces: readonly { readonly netnsPath: string; readonly tasks: readonly HelperTask[] }[],
): string {
  const lines = namespaces.flatMap(({ netnsPath, tasks }) => [
    `netns ${netnsPath}`,
    ...tasks.map(formatTask),
  ]);
  return lines.map((line) => line + '\n').join('') + 'end\n';
}

/** After `go`: capture `index` ends `graceMs` from when netpol-probe reads this, unless its window ends sooner. */
export function formatStop(index: number, graceMs: number): string {
  return `stop ${index} ${graceMs}\n`;
}

export function parseHelperLine(text: string): HelperLine {
  if (text === 'ready') return { kind: 'ready' };
  if (text.startsWith('fatal ')) return { kind: 'fatal', message: text.slice('fatal '.length) };
  const failed = /^netns-failed (\d+) (\S+)$/.exec(text);
  if (failed !== null) return { kind: 'netns-failed', netns: Number(failed[1]), detail: failed[2] ?? '' };
  const match = /^result (\d+) (\d+) ([a-z-]+) (\d+) (\S+)$/.exec(text);
  if (match === null || !WORDS.includes(match[3] ?? '')) return { kind: 'unknown', text };
  const detail = match[5] === '-' ? undefined : match[5];
  return {
    kind: 'result',
    index: Number(match[1]),
    attempt: Number(match[2]),
    word: match[3] as HelperWord,
    elapsedMs: Number(match[4]),
    ...(detail === undefined ? {} : { detail }),
  };
}
