import type * as fc from 'fast-check';

/**
 * Fuzz settings: a fixed number of runs per property keeps the whole fuzz part inside its CI
 * budget; a property that runs past 20 s fails rather than stalls. On failure fast-check's error
 * (shown by Jest) carries the seed and the path; replay it with FC_SEED=<seed> FC_PATH=<path>.
 */
export function fuzz<T>(numRuns: number): fc.Parameters<T> {
  const seed = process.env['FC_SEED'];
  const path = process.env['FC_PATH'];
  return {
    numRuns,
    interruptAfterTimeLimit: 20_000,
    markInterruptAsFailure: true,
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
  };
}

/** Runs `f`, and fails when one input takes longer than `limitMs` (a super-linear path is a hang waiting to happen). */
export function timed<R>(limitMs: number, f: () => R): R {
  const started = performance.now();
  try {
    return f();
  } finally {
    const took = performance.now() - started;
    if (took > limitMs) throw new Error(`one input took ${Math.round(took)} ms (limit ${limitMs} ms)`);
  }
}

/** What a parser may throw besides a coded error: nothing. Returns the error for further checks. */
export function codedError(error: unknown, allowed: readonly string[]): { code: string; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !allowed.includes(code)) {
    throw new Error(`untyped or unexpected error: ${error instanceof Error ? `${error.name} ${String(code)} ${error.message}` : String(error)}`);
  }
  return error as { code: string; message: string };
}
