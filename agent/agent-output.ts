/**
 * The runner's side of the agent's stdout (protocol.ts writes it): TAP 14, one test
 * point per request with the response as its YAML block, read line by line as it
 * streams. Apart from protocol.ts so that the agent, which only writes, does not carry
 * a YAML parser: a smaller bundle starts sooner on every node of every run.
 */
import { parse as parseYaml } from 'yaml';
import { AGENT_PROTOCOL_VERSION, CAPTURE_OBSERVATIONS, PROBE_OBSERVATIONS, READY_LINE } from './protocol.js';
import type { AgentResponse } from './protocol.js';

export type AgentEvent =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'result';
      readonly number: number;
      readonly ok: boolean;
      readonly response: AgentResponse;
    }
  | { readonly kind: 'plan'; readonly count: number }
  | { readonly kind: 'bail'; readonly reason: string };

/**
 * Reads the agent's stdout line by line (the runner streams it): a result is complete
 * when its YAML block closes. Lines outside the protocol (comments, the version line)
 * produce nothing; a malformed block throws.
 */
export class AgentOutputReader {
  private point: { number: number; ok: boolean; id: string } | undefined;
  private block: string[] | undefined;

  line(text: string): AgentEvent | undefined {
    if (this.block !== undefined) return this.blockLine(text);
    if (text === READY_LINE) return { kind: 'ready' };
    const point = /^(ok|not ok) (\d+) - (.*)$/.exec(text);
    if (point) {
      this.point = { ok: point[1] === 'ok', number: Number(point[2]), id: point[3] ?? '' };
      return undefined;
    }
    if (text === '  ---' && this.point !== undefined) {
      this.block = [];
      return undefined;
    }
    const plan = /^1\.\.(\d+)$/.exec(text);
    if (plan) return { kind: 'plan', count: Number(plan[1]) };
    if (text.startsWith('Bail out!')) return { kind: 'bail', reason: text.slice('Bail out!'.length).trim() };
    return undefined;
  }

  private blockLine(text: string): AgentEvent | undefined {
    if (text !== '  ...') {
      this.block?.push(text.startsWith('  ') ? text.slice(2) : text);
      return undefined;
    }
    const point = this.point;
    const block = this.block ?? [];
    const body = block.join('\n');
    this.block = undefined;
    this.point = undefined;
    if (point === undefined) throw new Error('agent output: a YAML block without a test point');
    // One line of JSON as this agent writes it; block YAML from an agent of an earlier build.
    const json = block.length === 1 && body.startsWith('{');
    const response = decodeResponse(json ? parseJson(body) : parseYaml(body));
    if (response.id !== point.id)
      throw new Error(`agent output: test point '${point.id}' holds '${response.id}'`);
    return { kind: 'result', number: point.number, ok: point.ok, response };
  }
}

/** Parses a whole output at once (tests, or a runner that buffers). */
export function readAgentOutput(text: string): AgentEvent[] {
  const reader = new AgentOutputReader();
  return text.split('\n').flatMap((line) => {
    const event = reader.line(line);
    return event ? [event] : [];
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`agent output: ${(error as Error).message}`);
  }
}

function decodeResponse(raw: unknown): AgentResponse {
  const fail = (what: string): never => {
    throw new Error(`agent output: ${what} in ${JSON.stringify(raw)}`);
  };
  if (!isRecord(raw)) return fail('a response is not an object');
  if (raw.version !== AGENT_PROTOCOL_VERSION) fail(`protocol version ${String(raw.version)}`);
  if (typeof raw.id !== 'string' || typeof raw.elapsedMs !== 'number') fail('id or elapsedMs missing');
  const allowed: readonly string[] =
    raw.kind === 'probe' ? PROBE_OBSERVATIONS : raw.kind === 'capture' ? CAPTURE_OBSERVATIONS : [];
  if (allowed.length === 0) fail('kind is neither probe nor capture');
  if (!Array.isArray(raw.attempts)) return fail('attempts missing');
  for (const attempt of raw.attempts as unknown[]) {
    if (!isRecord(attempt) || !allowed.includes(attempt.observation as string))
      fail('an attempt observation');
    if (isRecord(attempt) && typeof attempt.elapsedMs !== 'number') fail('an attempt without elapsedMs');
  }
  if (raw.observation !== 'mixed' && !allowed.includes(raw.observation as string)) fail('the observation');
  return raw as unknown as AgentResponse;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
