/**
 * The agent step, started with the run: find or install the agent and, the moment it is
 * Ready, open one session per node. It needs nothing from the plan, so it overlaps
 * reading the cluster instead of following it, and the agents' own start (a process in
 * each agent pod) stays off the probing. A run that must first wait for probe pods keeps
 * its sessions when they are Ready soon; after a longer wait it renews them: an exec left
 * idle that long may be cut by a proxy in front of the API server.
 */
import { openAgentSession } from './agent-session.js';
import type { AgentSession } from './agent-session.js';
import type { AgentPod, ProbeCluster } from './probe-cluster.js';

export interface AgentsStarting {
  /** One Ready agent pod per node, by node name; rejects when the agent could not be made Ready. */
  readonly agents: Promise<ReadonlyMap<string, AgentPod>>;
  /** An open session per agent, by node name, waiting for its batch. */
  sessions(): Promise<ReadonlyMap<string, AgentSession>>;
  /** Once `step` has succeeded, ends the sessions opened so far and opens new ones if they sat idle too long. */
  renewAfter(step: Promise<unknown>): void;
  /** Says which nodes the run probes through: the wait for agents is for those only from then on. */
  need(nodes: ReadonlySet<string>): void;
  /** Waits for the step to settle and closes every session that got no batch; never rejects. */
  close(): Promise<void>;
}

/** How long an exec may wait for its batch: well inside the idle timeouts of load balancers (60 s and up). */
export const EXEC_IDLE_LIMIT_MS = 20_000;

export function startAgents(
  cluster: ProbeCluster,
  runId: string,
  image: string,
  readyTimeoutMs: number,
  log: (line: string) => void,
  idleLimitMs: number = EXEC_IDLE_LIMIT_MS,
): AgentsStarting {
  const started = Date.now();
  const opened: AgentSession[] = [];
  let openedAt = 0;
  const open = (agents: ReadonlyMap<string, AgentPod>): Map<string, AgentSession> => {
    const sessions = openSessions(cluster, agents);
    opened.push(...sessions.values());
    openedAt = Date.now();
    return sessions;
  };
  let need: (nodes: ReadonlySet<string>) => void = () => undefined;
  const wanted = new Promise<ReadonlySet<string>>((resolve) => (need = resolve));
  const agents = cluster.ensureAgent(runId, image, readyTimeoutMs, wanted).then((ready) => {
    log(`agent ready on ${ready.size} node(s) (${Date.now() - started} ms)`);
    return ready;
  });
  let sessions = agents.then(open);
  // Awaited by the run later, or never when it fails first: not an unhandled rejection meanwhile.
  sessions.catch(() => undefined);
  return {
    agents,
    sessions: () => sessions,
    renewAfter(step) {
      const early = sessions;
      sessions = Promise.all([agents, step, early]).then(([ready, , current]) => {
        if (Date.now() - openedAt < idleLimitMs) return current;
        void closeAll(current.values());
        return open(ready);
      });
      sessions.catch(() => undefined);
    },
    need,
    async close() {
      // A run that stopped before it knew its nodes needs none: the wait ends at once.
      need(new Set());
      await sessions.catch(() => undefined);
      await closeAll(opened);
    },
  };
}

export function openSessions(
  cluster: ProbeCluster,
  agents: ReadonlyMap<string, AgentPod>,
): Map<string, AgentSession> {
  return new Map([...agents].map(([node, agent]) => [node, openAgentSession(cluster, agent)]));
}

export async function closeAll(sessions: Iterable<AgentSession>): Promise<void> {
  await Promise.all([...sessions].map((session) => session.close()));
}
