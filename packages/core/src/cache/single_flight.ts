/**
 * Concurrent callers asking for the same key share one in-flight promise; the entry is cleared
 * when it settles, so the next call after a failure tries again.
 */
export class SingleFlight<T> {
  readonly #inflight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const pending = this.#inflight.get(key);
    if (pending !== undefined) return pending;
    const promise = work().finally(() => {
      this.#inflight.delete(key);
    });
    this.#inflight.set(key, promise);
    return promise;
  }

  has(key: string): boolean {
    return this.#inflight.has(key);
  }

  get size(): number {
    return this.#inflight.size;
  }
}
