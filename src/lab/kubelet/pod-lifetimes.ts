/**
 * What a container runtime does to exec'd processes: they live in the pod's containers
 * and die with them. The lab runs an exec as a process on this host, so each running
 * pod gets a signal here, aborted once the pod no longer runs on a working node (deleted,
 * finished, or its node's kubelet stopped), and the kubelet kills the pod's execs on it.
 * Without this, deleting the agent's pod in the lab would leave its probes running.
 */
export class PodLifetimes {
  private readonly controllers = new Map<string, AbortController>();

  /** Aborted when the pod with this uid stops running here. */
  signal(uid: string): AbortSignal {
    let controller = this.controllers.get(uid);
    if (controller === undefined) {
      controller = new AbortController();
      this.controllers.set(uid, controller);
    }
    return controller.signal;
  }

  /** Ends every pod not in `running`. */
  keepOnly(running: ReadonlySet<string>): void {
    for (const [uid, controller] of this.controllers) {
      if (running.has(uid)) continue;
      controller.abort();
      this.controllers.delete(uid);
    }
  }
}
