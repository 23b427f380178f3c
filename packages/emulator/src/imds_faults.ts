import { FaultQueue } from './fault_queue.js';

/**
 * Faults the IMDS listener can be told to produce, so a client's retry policy (spec §1.5), its
 * response checks (§1.3, §5.2) and its issued-certificate checks run against a real server.
 * "Response" faults act when the request arrives; "certificate" faults change a successful issuance.
 */
export type ImdsFault =
  /** Answer with this status (e.g. 500, 503, 429 with `Retry-After`, 404, 410); default body is an IMDS-style JSON error. */
  | { kind: 'status'; status: number; body?: string | Record<string, unknown>; headers?: Record<string, string> }
  /** Wait this long before answering (combines with any other fault). */
  | { kind: 'delay'; ms: number }
  /** Declare the full `Content-Length`, send half the body, then close the connection. */
  | { kind: 'truncate' }
  /** As `truncate`, but end with a TCP reset (RST) instead of a close. */
  | { kind: 'resetMidBody' }
  /** Drop the connection as soon as the request arrives, with no response. */
  | { kind: 'destroySocket' }
  /** Answer 200 with a JSON body of this many bytes (e.g. 10 MB); `chunked` sends it without a `Content-Length`. */
  | { kind: 'oversizedBody'; bytes: number; chunked?: boolean }
  /** A successful (200) getplatformmetadata / issuecredential answer without this top-level member. */
  | { kind: 'omitField'; field: string }
  /** A successful (200) getplatformmetadata / issuecredential answer with this top-level member set to `value` (e.g. a wrong type, a certificate that is not base64). */
  | { kind: 'setField'; field: string; value: unknown }
  /** Answer `307` (or `status`) with this `Location` instead. */
  | { kind: 'redirect'; location: string; status?: number }
  /** Send the response without the `Server` header (spec §1.3 makes the client reject metadata then). */
  | { kind: 'missingServerHeader' }
  /** issuecredential succeeds, but the certificate certifies a different public key than the CSR's. */
  | { kind: 'wrongKey' }
  /** issuecredential succeeds, but the certificate's NotAfter has already passed. */
  | { kind: 'expired' }
  /** issuecredential succeeds, but the certificate's NotBefore is an hour away. */
  | { kind: 'notYetValid' };

/** The two IMDSv2 paths a fault can be limited to. */
export type ImdsFaultPath = 'getplatformmetadata' | 'issuecredential';

/** Which requests an IMDS fault applies to, and how many times. */
export interface ImdsInjectOptions {
  /** Number of requests affected. Default 1; `Infinity` until cleared. */
  times?: number;
  /**
   * Only requests to this path: an {@link ImdsFaultPath} (`'getplatformmetadata'` or `'issuecredential'`;
   * probes are requests to getplatformmetadata too). Typed `string` so table-driven tests need no cast;
   * any other value throws.
   */
  path?: ImdsFaultPath | string;
}

/** A handle on one injected IMDS fault. */
export interface InjectedImdsFault {
  readonly fault: ImdsFault;
  /** How many more requests it will affect. */
  readonly remaining: number;
  clear(): void;
}

const certificateFaultKinds: ReadonlySet<ImdsFault['kind']> = new Set(['wrongKey', 'expired', 'notYetValid']);
const bodyFaultKinds: ReadonlySet<ImdsFault['kind']> = new Set(['omitField', 'setField']);

/** The active IMDS faults, consumed as requests hit them. */
export class ImdsFaultSet {
  readonly #queue = new FaultQueue<ImdsFault>();

  inject(fault: ImdsFault, options: ImdsInjectOptions = {}): InjectedImdsFault {
    validate(fault);
    if (options.path !== undefined && options.path !== 'getplatformmetadata' && options.path !== 'issuecredential') {
      throw new TypeError(`path must be 'getplatformmetadata' or 'issuecredential', got '${String(options.path)}'`);
    }
    return this.#queue.add(fault, options.times, options.path);
  }

  clear(): void {
    this.#queue.clear();
  }

  /** Takes the response faults matching a request that just arrived on `path` (undefined: another path). */
  takeResponseFaults(path: ImdsFaultPath | undefined): ImdsFault[] {
    return this.#queue.take(path, (kind) => !certificateFaultKinds.has(kind) && !bodyFaultKinds.has(kind));
  }

  /** Takes the body faults (omitField, setField) matching a successful answer on `path`. */
  takeBodyFaults(path: ImdsFaultPath): ImdsFault[] {
    return this.#queue.take(path, (kind) => bodyFaultKinds.has(kind));
  }

  /** Takes the certificate faults matching an issuance about to succeed. */
  takeCertificateFaults(): ImdsFault[] {
    return this.#queue.take('issuecredential', (kind) => certificateFaultKinds.has(kind));
  }
}

function validate(fault: ImdsFault): void {
  const ok =
    (fault?.kind === 'status' && Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599) ||
    (fault?.kind === 'delay' && Number.isFinite(fault.ms) && fault.ms >= 0) ||
    (fault?.kind === 'redirect' && typeof fault.location === 'string' &&
      (fault.status === undefined || (Number.isInteger(fault.status) && fault.status >= 300 && fault.status <= 399))) ||
    (fault?.kind === 'oversizedBody' && Number.isInteger(fault.bytes) && fault.bytes > 0 && (fault.chunked === undefined || typeof fault.chunked === 'boolean')) ||
    ((fault?.kind === 'omitField' || fault?.kind === 'setField') && typeof fault.field === 'string' && fault.field !== '') ||
    fault?.kind === 'truncate' || fault?.kind === 'resetMidBody' || fault?.kind === 'destroySocket' || fault?.kind === 'missingServerHeader' ||
    fault?.kind === 'wrongKey' || fault?.kind === 'expired' || fault?.kind === 'notYetValid';
  if (!ok) throw new TypeError(`invalid IMDS fault: ${JSON.stringify(fault)}`);
}
