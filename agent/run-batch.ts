/**
 * `agent probe`: one batch in, one TAP test point per request out, streamed as each
 * completes. The steps: resolve every namespace once, plan each namespace's tasks, start
 * the one helper that runs them all, wait until every capture listens (`# ready`), let
 * the probes go, and write each response the moment its last attempt is in. A capture
 * the runner stops (its sender is done) ends a short grace later instead of at the end
 * of its window.
 */
import { randomBytes } from 'node:crypto';
import { ResultCollector, notCarriedOut } from './collect-results.js';
import { startHelper } from './helper-process.js';
import type { HelperCommand, HelperEvents, RunningHelper } from './helper-process.js';
import { netnsRefsOf, planHelperJobs, splitHeld } from './plan-helper-jobs.js';
import type { HelperJob } from './plan-helper-jobs.js';
import { capturePart } from './plan-helper-jobs.js';
import { CAPTURE_STOP_GRACE_MS, READY_LINE, formatHeader, formatPlan, formatResult } from './protocol.js';
import type { AgentBatch, AgentResponse } from './protocol.js';
import type { PodProcessScan } from './find-pod-netns.js';
import { resolveNetnsRefs } from './resolve-netns.js';

export interface RunBatchOptions extends HelperCommand {
  /** Where the host's /proc is (`/proc` with hostPID). */
  readonly procRoot: string;
  /** Where the TAP text goes, in order. */
  readonly write: (text: string) => void;
  /** Pids never taken for a pod's (the agent's own). */
  readonly skipPids?: readonly number[];
  /** A scan of /proc begun before the batch came, brought up to date (find-pod-netns.ts). */
  readonly scan?: PodProcessScan;
  /** How long every helper may take to open its capture sockets. */
  readonly readyTimeoutMs?: number;
  /** Subscribes to the runner's `stop ID` for capture requests, once the probes have gone. */
  readonly stops?: (onStop: (id: string) => void) => void;
  /** Settles at the runner's `go`: held probes start then (at once without it). */
  readonly go?: () => Promise<void>;
}

/** Runs the batch; resolves with every response, in the order written. */
export async function runBatch(batch: AgentBatch, options: RunBatchOptions): Promise<AgentResponse[]> {
  const started = Date.now();
  const responses: AgentResponse[] = [];
  const emit = (response: AgentResponse) => {
    responses.push(response);
    options.write(formatResult(responses.length, response));
  };
  options.write(formatHeader(batch.requests.length));

  const refs = batch.requests.flatMap(netnsRefsOf);
  const resolved = await resolveNetnsRefs(refs, options);
  const plan = planHelperJobs(batch.requests, resolved, () => randomBytes(8).toString('hex'));
  for (const { request, reason } of plan.unresolved) emit(notCarriedOut(request, reason));

  const collector = new ResultCollector(plan.planned, () => Date.now() - started);
  const failJob = (job: HelperJob, reason: string) => {
    for (const response of collector.failTasks(job.tasks, reason)) emit(response);
  };
  const { now, held } = splitHeld(plan.jobs, batch.requests);
  const start = (jobs: readonly HelperJob[]): RunningHelper | undefined =>
    jobs.length === 0 ? undefined : startHelper(jobs, options, helperEvents(collector, emit, failJob));
  const [immediate, later] = [start(now), start(held)];
  const helpers = [immediate, later].filter((helper) => helper !== undefined);
  await waitUntilReady(helpers, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  options.write(`${READY_LINE}\n`);
  immediate?.go(helperTimeoutMs(now));
  // Held sends go at the runner's word: the captures on other nodes they send to listen then.
  if (later !== undefined)
    void (options.go?.() ?? Promise.resolve()).then(() => later.go(helperTimeoutMs(held)));
  const captures = capturesById(batch, helpers);
  options.stops?.((id) => {
    const capture = captures.get(id);
    capture?.helper.stopCapture(capture.part, CAPTURE_STOP_GRACE_MS);
  });

  await Promise.all(
    helpers.map(async (helper) => {
      const end = await helper.ended;
      const reason = end.ok ? 'netpol-probe ended without a result' : end.reason;
      for (const job of helper.jobs) failJob(job, reason);
    }),
  );
  for (const request of collector.pending()) emit(notCarriedOut(request, 'no result'));
  options.write(formatPlan(responses.length));
  return responses;
}

/** Each result line into its request's response, handed out once the request is complete. */
function helperEvents(
  collector: ResultCollector,
  emit: (response: AgentResponse) => void,
  onJobFailed: (job: HelperJob, reason: string) => void,
): HelperEvents {
  return {
    onResult: ({ index, attempt, word, elapsedMs, detail }) => {
      const response = collector.record(index, attempt, {
        observation: word,
        elapsedMs,
        ...(detail === undefined ? {} : { detail }),
      });
      if (response !== undefined) emit(response);
    },
    onJobFailed,
  };
}

/** Each capture request's task, by request id, and the helper that runs it. */
function capturesById(
  batch: AgentBatch,
  helpers: readonly RunningHelper[],
): Map<string, { helper: RunningHelper; part: number }> {
  const helperOf = new Map<number, RunningHelper>();
  for (const helper of helpers)
    for (const job of helper.jobs)
      for (const task of job.tasks) if (task.kind === 'capture') helperOf.set(task.index, helper);
  const captures = new Map<string, { helper: RunningHelper; part: number }>();
  batch.requests.forEach((request, index) => {
    const part = capturePart(index);
    const helper = request.kind === 'capture' ? helperOf.get(part) : undefined;
    if (helper !== undefined) captures.set(request.id, { helper, part });
  });
  return captures;
}

const READY_TIMEOUT_MS = 10_000;
/** Room beyond the tasks' own time, from `go`: the helper's exit, and a node too busy to run it on time. */
const SLACK_MS = 15_000;
/** And per task: on a starved node thousands of sockets take their time to open and close. */
const SLACK_PER_TASK_MS = 2;

/**
 * A helper that runs past every task's time plus slack after `go` is stuck: it is killed
 * and its tasks fail. Counted from `go`: the wait until ready has its own bound.
 */
export function helperTimeoutMs(jobs: readonly HelperJob[]): number {
  let longest = 0;
  let tasks = 0;
  for (const job of jobs)
    for (const task of job.tasks) {
      tasks++;
      longest = Math.max(longest, task.kind === 'probe' ? task.timeoutMs * task.attempts : task.timeoutMs);
    }
  return longest + SLACK_MS + tasks * SLACK_PER_TASK_MS;
}

/** A helper that fails to get ready is stopped; its tasks fail when it ends. The rest go. */
async function waitUntilReady(helpers: readonly RunningHelper[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  await Promise.all(
    helpers.map(async (helper) => {
      const outcome = await Promise.race([
        helper.ready.then(
          () => 'ready' as const,
          () => 'failed' as const,
        ),
        deadline,
      ]);
      if (outcome === 'late') helper.stop();
    }),
  );
  clearTimeout(timer);
}
