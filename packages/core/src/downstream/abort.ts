import { MtlsError } from '../errors/mtls_error.js';

/**
 * The part of an AbortSignal we use: the DOM/Node `AbortSignal` and @azure/abort-controller's
 * `AbortSignalLike` both fit, so core needs neither at run time.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * ERR_MTLS_ABORTED, named `AbortError` as fetch and the Azure SDK name theirs, so code that checks
 * `error.name === 'AbortError'` (retry policies, callers) treats it as an abort, not a failure.
 */
export class MtlsAbortError extends MtlsError {
  constructor(what: string, reason: unknown) {
    super('ERR_MTLS_ABORTED', { message: `${what} was aborted.`, ...(reason === undefined ? {} : { cause: reason }) });
  }

  override get name(): string {
    return 'AbortError';
  }
}

/** Throws ERR_MTLS_ABORTED when the signal has already fired. */
export function throwIfAborted(signal: AbortSignalLike | undefined, what: string): void {
  if (signal?.aborted === true) throw new MtlsAbortError(what, signal.reason);
}

/**
 * Settles with `promise`, or rejects with ERR_MTLS_ABORTED as soon as the signal fires. The work
 * behind `promise` is not cancelled (a shared token request serves other callers and the cache);
 * only this caller stops waiting for it.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignalLike | undefined, what: string): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new MtlsAbortError(what, signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => undefined);
      reject(new MtlsAbortError(what, signal.reason));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Checks that a value is usable as an AbortSignal (misuse is a coded TypeError, not a crash later). */
export function isAbortSignalLike(value: unknown): value is AbortSignalLike {
  return (
    typeof value === 'object' && value !== null && typeof (value as AbortSignalLike).aborted === 'boolean' &&
    typeof (value as AbortSignalLike).addEventListener === 'function' && typeof (value as AbortSignalLike).removeEventListener === 'function'
  );
}
