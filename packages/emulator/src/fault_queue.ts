/** A handle on one queued fault: how many requests it still affects, and a way to drop it. */
export interface QueuedFault<F> {
  readonly fault: F;
  readonly remaining: number;
  clear(): void;
}

interface Entry<F> {
  fault: F;
  remaining: number;
  /** Only requests in this scope (a host, an IMDS path); undefined: every request. */
  scope: string | undefined;
}

/**
 * The mechanics shared by the token endpoint's and IMDS's fault switches: each fault affects the
 * next `times` matching requests (`Infinity` until cleared) and is consumed as requests take it.
 */
export class FaultQueue<F extends { kind: string }> {
  #entries: Entry<F>[] = [];

  add(fault: F, times: number | undefined, scope: string | undefined): QueuedFault<F> {
    const count = times ?? 1;
    if (!(count > 0)) throw new TypeError('times must be a positive number (or Infinity)');
    const entry: Entry<F> = { fault, remaining: count, scope };
    this.#entries.push(entry);
    return {
      fault,
      get remaining(): number {
        return entry.remaining;
      },
      clear: (): void => {
        entry.remaining = 0;
        this.#prune();
      },
    };
  }

  clear(): void {
    for (const entry of this.#entries) entry.remaining = 0;
    this.#entries = [];
  }

  /** Consumes one use of every fault of a wanted kind whose scope matches. */
  take(scope: string | undefined, wanted: (kind: F['kind']) => boolean): F[] {
    const taken: F[] = [];
    for (const entry of this.#entries) {
      if (entry.remaining > 0 && wanted(entry.fault.kind) && (entry.scope === undefined || entry.scope === scope)) {
        entry.remaining--;
        taken.push(entry.fault);
      }
    }
    this.#prune();
    return taken;
  }

  #prune(): void {
    this.#entries = this.#entries.filter((entry) => entry.remaining > 0);
  }
}
