/**
 * Namespaces that runs at the same time may share: the agent's (one per cluster) and a
 * probe namespace a namespace selector asks for (`npa-ns-<hash>`, or the name the
 * selector gives). Each run that uses one writes its claim on it, an annotation
 * `netpol-assert.io/claim-<run>`; a run that leaves takes its claim off and deletes the
 * namespace only when no claim is left, with the resourceVersion it last wrote as a
 * precondition: a claim another run wrote in between makes the deletion fail (409)
 * instead of deleting the namespace under that run. A claim goes on with an update that
 * carries the resourceVersion it read, so two runs never overwrite each other's.
 *
 * A killed run's claim stays until `netpol-assert clean`: until then the namespace is
 * left in place by the runs after it, as if another run still used it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoreV1Api, V1Namespace } from '@kubernetes/client-node';
import { requested, statusOf } from './api-error.js';

export const CLAIM_ANNOTATION_PREFIX = 'netpol-assert.io/claim-';

/** Made by this run; taken over from another run; or a namespace that is not a run's, used as it is. */
export type ClaimOutcome = 'created' | 'claimed' | 'not-shared';

/** Removed (this run was the last), left to the runs that still claim it, or already gone. */
export type ReleaseOutcome = 'removed' | 'left' | 'gone';

export interface ClaimOptions {
  /** Whether a namespace found in place is one runs share (else it is used, never claimed). */
  readonly shared: (namespace: V1Namespace) => boolean;
  /** How long to wait for a namespace of the name that is being deleted to be gone. */
  readonly timeoutMs: number;
}

/** Conflicts are other runs writing at the same moment: each attempt rereads, so a few always do. */
const MAX_ATTEMPTS = 20;
const POLL_MS = 250;

export class NamespaceClaims {
  constructor(
    private readonly core: CoreV1Api,
    readonly runId: string,
  ) {}

  get annotation(): string {
    return `${CLAIM_ANNOTATION_PREFIX}${this.runId}`;
  }

  /** Creates the namespace with this run's claim on it, or writes the claim on the one in place. */
  async claim(body: V1Namespace, options: ClaimOptions): Promise<ClaimOutcome> {
    const name = body.metadata?.name ?? '';
    const deadline = Date.now() + options.timeoutMs;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      if (await this.create(this.withClaim(body))) return 'created';
      const current = await this.read(name);
      if (current === undefined) continue; // deleted since: create again
      if (isTerminating(current)) {
        await this.waitUntilGone(name, deadline, options.timeoutMs);
        continue;
      }
      if (!options.shared(current)) return 'not-shared';
      if (this.holds(current)) return 'claimed';
      const written = await this.replace(this.withClaim(current));
      if (written === undefined) continue;
      if (!isTerminating(written)) return 'claimed';
      // A run deleted it between our read and our write: wait for it to go, then make it anew.
      await this.waitUntilGone(name, deadline, options.timeoutMs);
    }
    throw new Error(`namespace ${name}: other runs kept changing it; no claim after ${MAX_ATTEMPTS} tries`);
  }

  /**
   * Takes this run's claim off; with `remove`, deletes the namespace when no other run
   * claims it (a namespace nobody claims, e.g. one kept with --keep-agent, included).
   */
  async release(name: string, options: { readonly remove: boolean }): Promise<ReleaseOutcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const current = await this.read(name);
      if (current === undefined || isTerminating(current)) return 'gone';
      const latest = this.holds(current) ? await this.replace(this.withoutClaim(current)) : current;
      if (latest === undefined) continue;
      if (!options.remove || claimsOf(latest).length > 0) return 'left';
      if (await this.deleteAt(latest)) return 'removed';
    }
    throw new Error(
      `namespace ${name}: other runs kept changing it; not released after ${MAX_ATTEMPTS} tries`,
    );
  }

  /** A namespace being deleted refuses new objects: wait, bounded, until it is gone. */
  private async waitUntilGone(name: string, deadline: number, timeoutMs: number): Promise<void> {
    for (;;) {
      const current = await this.read(name);
      if (current === undefined || !isTerminating(current)) return;
      if (Date.now() > deadline) throw terminatingTooLong(name, timeoutMs);
      await sleep(POLL_MS);
    }
  }

  /** Whether this run's claim is on the namespace. */
  holds(namespace: V1Namespace): boolean {
    return namespace.metadata?.annotations?.[this.annotation] !== undefined;
  }

  private withClaim(namespace: V1Namespace): V1Namespace {
    const metadata = namespace.metadata ?? {};
    const annotations = { ...metadata.annotations, [this.annotation]: new Date().toISOString() };
    return { ...namespace, metadata: { ...metadata, annotations } };
  }

  private withoutClaim(namespace: V1Namespace): V1Namespace {
    const metadata = namespace.metadata ?? {};
    const annotations = { ...metadata.annotations };
    delete annotations[this.annotation];
    return { ...namespace, metadata: { ...metadata, annotations } };
  }

  /** True when made; false when one of the name is there already (409). */
  private async create(body: V1Namespace): Promise<boolean> {
    const request = { verb: 'create', kind: 'Namespace', name: body.metadata?.name ?? '' } as const;
    return requested(request, () => this.core.createNamespace({ body })).then(
      () => true,
      (error: unknown) => (statusOf(error) === 409 ? false : Promise.reject(error)),
    );
  }

  private async read(name: string): Promise<V1Namespace | undefined> {
    return requested({ verb: 'get', kind: 'Namespace', name }, () => this.core.readNamespace({ name })).catch(
      (error: unknown) => (statusOf(error) === 404 ? undefined : Promise.reject(error)),
    );
  }

  /** The namespace as written, or undefined when another run wrote first (409) or it is gone (404). */
  private async replace(body: V1Namespace): Promise<V1Namespace | undefined> {
    const name = body.metadata?.name ?? '';
    return requested({ verb: 'update', kind: 'Namespace', name }, () =>
      this.core.replaceNamespace({ name, body }),
    ).catch((error: unknown) => (isRace(error) ? undefined : Promise.reject(error)));
  }

  /** Deletes the namespace as it was read: false when it changed since (a claim came), true when gone. */
  private async deleteAt(namespace: V1Namespace): Promise<boolean> {
    const name = namespace.metadata?.name ?? '';
    const resourceVersion = namespace.metadata?.resourceVersion;
    return requested({ verb: 'delete', kind: 'Namespace', name }, () =>
      this.core.deleteNamespace({
        name,
        gracePeriodSeconds: 0,
        body: resourceVersion === undefined ? {} : { preconditions: { resourceVersion } },
      }),
    ).then(
      () => true,
      (error: unknown) => {
        if (statusOf(error) === 404) return true;
        return statusOf(error) === 409 ? false : Promise.reject(error);
      },
    );
  }
}

/** The runs that claim the namespace, by id. */
export function claimsOf(namespace: V1Namespace): string[] {
  return Object.keys(namespace.metadata?.annotations ?? {})
    .filter((key) => key.startsWith(CLAIM_ANNOTATION_PREFIX))
    .map((key) => key.slice(CLAIM_ANNOTATION_PREFIX.length));
}

function isTerminating(namespace: V1Namespace): boolean {
  return namespace.metadata?.deletionTimestamp !== undefined;
}

function isRace(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 404;
}

function terminatingTooLong(name: string, timeoutMs: number): Error {
  return new Error(
    `namespace ${name} still being deleted after ${Math.round(timeoutMs / 1000)}s; ` +
      'a run can create nothing in it until it is gone',
  );
}
