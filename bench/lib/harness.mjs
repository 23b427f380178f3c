// Timing drivers. Every driver awaits each call, as an app would; clocks are process.hrtime.bigint().
import { GCProfiler } from 'node:v8';

const now = process.hrtime.bigint;

/** `n` sequential awaited calls, each timed: a Float64Array of nanoseconds. */
export async function perCall(fn, n) {
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const start = now();
    await fn(i);
    times[i] = Number(now() - start);
  }
  return times;
}

/** `n` sequential awaited calls under one clock: mean nanoseconds per call (no per-call clock cost). */
export async function batched(fn, n) {
  const start = now();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(now() - start) / n;
}

/**
 * Bytes allocated per call: heapUsed after `n` calls minus heapUsed after a full GC, divided by
 * n. Valid only if no GC ran during the calls, so v8.GCProfiler watches the loop and `n` is halved
 * (down to `minN`) until a run completes without a GC. Needs `--expose-gc`.
 */
export async function allocationPerCall(fn, n, minN = 50) {
  if (typeof globalThis.gc !== 'function') return { bytes: NaN, n: 0, note: 'run with --expose-gc' };
  for (let size = n; size >= minN; size = Math.floor(size / 2)) {
    for (let i = 0; i < 20; i++) await fn(i); // warm: no first-call allocations in the sample
    globalThis.gc();
    const profiler = new GCProfiler();
    profiler.start();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < size; i++) await fn(i);
    const after = process.memoryUsage().heapUsed;
    const gcs = profiler.stop().statistics.length;
    if (gcs === 0) return { bytes: Math.max(0, after - before) / size, n: size };
  }
  return { bytes: NaN, n: 0, note: 'a GC ran during every attempt' };
}
