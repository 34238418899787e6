/**
 * The agent step, started with the run: find or install the agent and, the moment it is
 * Ready, open one session per node. It needs nothing from the plan, so it overlaps
 * reading the cluster instead of following it. A run that must first wait for probe pods
 * renews its sessions once they are Ready: an exec left idle that long may be cut by a
 * proxy in front of the API server.
 */
import { openAgentSession } from './agent-session.js';
import type { AgentSession } from './agent-session.js';
import type { AgentPod, ProbeCluster } from './probe-cluster.js';

export interface AgentsStarting {
  /** One Ready agent pod per node, by node name; rejects when the agent could not be made Ready. */
  readonly agents: Promise<ReadonlyMap<string, AgentPod>>;
  /** An open session per agent, by node name, waiting for its batch. */
  sessions(): Promise<ReadonlyMap<string, AgentSession>>;
  /** Ends the sessions opened so far and opens new ones once `step` has succeeded. */
  renewAfter(step: Promise<unknown>): void;
  /** Waits for the step to settle and closes every session that got no batch; never rejects. */
  close(): Promise<void>;
}

export function startAgents(
  cluster: ProbeCluster,
  image: string,
  readyTimeoutMs: number,
  log: (line: string) => void,
): AgentsStarting {
  const started = Date.now();
  const opened: AgentSession[] = [];
  const open = (agents: ReadonlyMap<string, AgentPod>): Map<string, AgentSession> => {
    const sessions = openSessions(cluster, agents);
    opened.push(...sessions.values());
    return sessions;
  };
  const agents = cluster.ensureAgent(image, readyTimeoutMs).then((ready) => {
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
      void sessions.then(
        (current) => closeAll(current.values()),
        () => undefined,
      );
      sessions = Promise.all([agents, step]).then(([ready]) => open(ready));
      sessions.catch(() => undefined);
    },
    async close() {
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
