/**
 * Loads each node's rendered ruleset (skipping one that did not change), at once or, in
 * a `delay=SECONDS` mode, that many seconds later: a policy change then takes effect
 * late, as when a real plugin's agent lags behind the API (topology changes do not wait).
 */
import { applyNftRuleset } from '../enforcer/index.js';
import type { CniMode } from '../enforcer/index.js';

export interface NodeScript {
  readonly netns: string;
  readonly script: string;
}

export class PolicyLoader {
  /** The script loaded per node namespace. */
  private readonly loaded = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private loading: Promise<void> = Promise.resolve();
  /** How many rulesets were asked for, and the newest of them in force. */
  revision = 0;
  enforcedRevision = 0;

  constructor(
    private readonly mode: CniMode,
    private readonly log: (message: string) => void,
  ) {}

  async load(scripts: readonly NodeScript[]): Promise<void> {
    const revision = ++this.revision;
    const run = async () => {
      for (const { netns, script } of scripts) {
        if (this.loaded.get(netns) === script) continue;
        await applyNftRuleset(netns, script);
        this.loaded.set(netns, script);
      }
      this.enforcedRevision = Math.max(this.enforcedRevision, revision);
    };
    if (this.mode.kind !== 'delay') return run();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.loading = this.loading
        .then(run)
        .catch((error: unknown) => this.log(`delayed policy load failed: ${String(error)}`));
    }, this.mode.seconds * 1000);
    this.timers.add(timer);
  }

  /** A node namespace that is gone (its table went with it). */
  forget(netns: string): void {
    this.loaded.delete(netns);
  }

  /** Cancels loads not yet due and waits for one under way. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.loading;
  }
}
