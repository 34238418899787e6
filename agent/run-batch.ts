/**
 * `agent probe`: one batch in, one TAP test point per request out, streamed as each
 * completes. The steps: resolve every namespace once, plan one helper per namespace,
 * start them all, wait until every capture listens (`# ready`), let the probes go, and
 * write each response the moment its last attempt is in. A capture the runner stops
 * (its sender is done) ends a short grace later instead of at the end of its window.
 */
import { randomBytes } from 'node:crypto';
import { ResultCollector, notCarriedOut } from './collect-results.js';
import { startHelper } from './helper-process.js';
import type { HelperCommand, RunningHelper } from './helper-process.js';
import { netnsRefsOf, planHelperJobs } from './plan-helper-jobs.js';
import type { HelperJob } from './plan-helper-jobs.js';
import { capturePart } from './plan-helper-jobs.js';
import { CAPTURE_STOP_GRACE_MS, READY_LINE, formatHeader, formatPlan, formatResult } from './protocol.js';
import type { AgentBatch, AgentResponse } from './protocol.js';
import { resolveNetnsRefs } from './resolve-netns.js';

export interface RunBatchOptions extends HelperCommand {
  /** Where the host's /proc is (`/proc` with hostPID). */
  readonly procRoot: string;
  /** Where the TAP text goes, in order. */
  readonly write: (text: string) => void;
  /** Pids never taken for a pod's (the agent's own). */
  readonly skipPids?: readonly number[];
  /** How long every helper may take to open its capture sockets. */
  readonly readyTimeoutMs?: number;
  /** Subscribes to the runner's `stop ID` for capture requests, once the probes have gone. */
  readonly stops?: (onStop: (id: string) => void) => void;
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
  const helpers = plan.jobs.map((job) =>
    startHelper(
      job,
      options,
      (line) => {
        const { index, attempt, word, elapsedMs, detail } = line;
        const response = collector.record(index, attempt, {
          observation: word,
          elapsedMs,
          ...(detail === undefined ? {} : { detail }),
        });
        if (response !== undefined) emit(response);
      },
      helperTimeoutMs(job, options.readyTimeoutMs ?? READY_TIMEOUT_MS),
    ),
  );
  await waitUntilReady(helpers, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  options.write(`${READY_LINE}\n`);
  for (const helper of helpers) helper.go();
  const captures = capturesById(batch, helpers);
  options.stops?.((id) => {
    const capture = captures.get(id);
    capture?.helper.stopCapture(capture.part, CAPTURE_STOP_GRACE_MS);
  });

  await Promise.all(
    helpers.map(async (helper) => {
      const end = await helper.ended;
      const reason = end.ok ? `netpol-probe in ${helper.job.netnsPath} ended without a result` : end.reason;
      for (const response of collector.failTasks(helper.job.tasks, reason)) emit(response);
    }),
  );
  for (const request of collector.pending()) emit(notCarriedOut(request, 'no result'));
  options.write(formatPlan(responses.length));
  return responses;
}

/** Each capture request's task, by request id, and the helper that runs it. */
function capturesById(
  batch: AgentBatch,
  helpers: readonly RunningHelper[],
): Map<string, { helper: RunningHelper; part: number }> {
  const helperOf = new Map<number, RunningHelper>();
  for (const helper of helpers)
    for (const task of helper.job.tasks) if (task.kind === 'capture') helperOf.set(task.index, helper);
  const captures = new Map<string, { helper: RunningHelper; part: number }>();
  batch.requests.forEach((request, index) => {
    const part = capturePart(index);
    const helper = request.kind === 'capture' ? helperOf.get(part) : undefined;
    if (helper !== undefined) captures.set(request.id, { helper, part });
  });
  return captures;
}

const READY_TIMEOUT_MS = 10_000;
/** Room for process start-up and exit beyond the tasks' own time. */
const SLACK_MS = 5_000;

/** A helper that runs past every task's time plus slack is stuck: it is killed and its tasks fail. */
export function helperTimeoutMs(job: HelperJob, readyTimeoutMs: number): number {
  const longest = Math.max(
    0,
    ...job.tasks.map((task) => (task.kind === 'probe' ? task.timeoutMs * task.attempts : task.timeoutMs)),
  );
  return readyTimeoutMs + longest + SLACK_MS;
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
