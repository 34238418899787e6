/**
 * One `netpol-assert-agent probe` exec per agent, opened as soon as the agent is known
 * and handed its batch once the plan is ready: the exec's set-up and the agent's own
 * start (a process in the pod, a Node.js start) overlap reading and planning the cluster
 * instead of following them. The output is read as it streams, so the quick answers are
 * decoded while the slow ones still wait out their timeouts. stdin stays open while the
 * batch holds captures the runner has not stopped yet (`stop ID`, see agent/protocol.ts).
 */
import { AgentOutputReader } from '../../agent/agent-output.js';
import { AGENT_PROTOCOL_VERSION, encodeBatch, formatGo, formatStopCapture } from '../../agent/protocol.js';
import type { AgentBatch, AgentResponse } from '../../agent/protocol.js';
import type { AgentPod, ExecResult, ProbeCluster } from './probe-cluster.js';

export const PROBE_COMMAND = ['netpol-assert-agent', 'probe'] as const;

export interface AgentSession {
  readonly agent: AgentPod;
  /**
   * Sends the batch and resolves once the agent has ended or its exec was cut; each
   * response is handed over as it arrives, and `onReady` is called once every capture of
   * the batch listens.
   */
  run(
    batch: AgentBatch,
    onResponse: (response: AgentResponse) => void,
    onReady?: () => void,
  ): Promise<SessionEnd>;
  /** Ends capture request `id` of the batch early: its sender is done. */
  stopCapture(id: string): void;
  /** Lets the batch's held probes start: every capture they send to listens. */
  release(): void;
  /** Ends a session that got no batch by sending an empty one; never rejects. */
  close(): Promise<void>;
}

export interface SessionEnd {
  /** Undefined when the exec was cut before the agent ended (its pod gone, the API server away). */
  readonly exitCode: number | undefined;
  readonly stderr: string;
  /** Why the output stopped making sense, or the agent's own `Bail out!` reason. */
  readonly problem?: string;
}

type Ended =
  { readonly ok: true; readonly result: ExecResult } | { readonly ok: false; readonly error: unknown };

export function openAgentSession(cluster: ProbeCluster, agent: AgentPod): AgentSession {
  const stdin = new InputLines();
  const output = new OutputLines();
  const exec = cluster.execInAgent(agent, PROBE_COMMAND, stdin, (text) => output.push(text));
  // Settled here, awaited later: an exec that fails before its batch is sent is not an unhandled rejection.
  const ended: Promise<Ended> = exec.then(
    (result) => ({ ok: true, result }),
    (error: unknown) => ({ ok: false, error }),
  );
  let sent = false;
  /** The batch's captures not stopped yet: stdin ends once there are none and the batch is not on hold. */
  const capturing = new Set<string>();
  let held = false;
  const endIfDone = (): void => {
    if (capturing.size === 0 && !held) stdin.end();
  };
  return {
    agent,
    async run(batch, onResponse, onReady) {
      if (sent) throw new Error(`the session with ${agent.namespace}/${agent.name} already ran a batch`);
      sent = true;
      output.onResponse = onResponse;
      if (onReady) output.onReady = onReady;
      for (const request of batch.requests) if (request.kind === 'capture') capturing.add(request.id);
      held = batch.requests.some((request) => request.kind === 'probe' && request.hold === true);
      stdin.push(encodeBatch(batch));
      endIfDone();
      const end = await ended.finally(() => stdin.end());
      // What was answered before the cut stands; the rest of the batch is unanswered, not a failed run.
      if (!end.ok) return { exitCode: undefined, stderr: '', problem: messageOf(end.error) };
      output.end();
      const { exitCode, stderr } = end.result;
      return { exitCode, stderr, ...(output.problem === undefined ? {} : { problem: output.problem }) };
    },
    stopCapture(id) {
      if (!capturing.delete(id)) return;
      stdin.push(formatStopCapture(id));
      endIfDone();
    },
    release() {
      if (!held) return;
      held = false;
      stdin.push(formatGo());
      endIfDone();
    },
    async close() {
      if (sent) return;
      sent = true;
      stdin.push(encodeBatch({ version: AGENT_PROTOCOL_VERSION, requests: [] }));
      stdin.end();
      await ended;
    },
  };
}

/** The exec's stdin as the runner writes it: an iterable that waits for more until ended. */
class InputLines implements AsyncIterable<string> {
  private readonly queued: string[] = [];
  private ended = false;
  private wake: () => void = () => undefined;

  push(text: string): void {
    if (this.ended) return;
    this.queued.push(text);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      const text = this.queued.shift();
      if (text !== undefined) yield text;
      else if (this.ended) return;
      else
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
    }
  }
}

/** The agent's stdout, split into lines as chunks come and read as the protocol's events. */
class OutputLines {
  onResponse: (response: AgentResponse) => void = () => undefined;
  onReady: () => void = () => undefined;
  problem: string | undefined;
  private readonly reader = new AgentOutputReader();
  private partial = '';

  push(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
  }

  private line(text: string): void {
    if (this.problem !== undefined) return;
    try {
      const event = this.reader.line(text);
      if (event?.kind === 'ready') this.onReady();
      if (event?.kind === 'result') this.onResponse(event.response);
      if (event?.kind === 'bail') this.problem = `the agent bailed out: ${event.reason}`;
    } catch (error) {
      this.problem = `the agent's output could not be read: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
