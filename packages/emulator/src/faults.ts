import { FaultQueue } from './fault_queue.js';

/**
 * Faults the token endpoint can be told to produce, so clients' retry, timeout and validation
 * paths run against a real server. "Response" faults act before the request is validated;
 * "token" faults change an otherwise successful response.
 */
export type TokenFault =
  /** Reply with this status instead (e.g. 500, 503, 429); body defaults to an AADSTS-style error. */
  | { kind: 'status'; status: number; body?: string | Record<string, unknown>; headers?: Record<string, string> }
  /** Wait this long before answering (combines with any other fault). */
  | { kind: 'delay'; ms: number }
  /** Destroy the TCP/TLS connection after the request arrives, without any response. */
  | { kind: 'destroySocket' }
  /** Whatever the answer, declare its full `Content-Length`, send half the body, then close the connection. */
  | { kind: 'truncate' }
  /** As `truncate`, but end with a TCP reset (RST) instead of a close. */
  | { kind: 'resetMidBody' }
  /** Answer 200 with a JSON body of this many bytes (e.g. 10 MB); `chunked` sends it without a `Content-Length`. */
  | { kind: 'oversizedBody'; bytes: number; chunked?: boolean }
  /** Success, but with this `token_type` (e.g. `Bearer`). */
  | { kind: 'tokenType'; tokenType: string }
  /** Success, but the token's `cnf["x5t#S256"]` is this value instead of the presented certificate's. */
  | { kind: 'cnf'; x5tS256: string }
  /** Success, but without this top-level response field (e.g. `token_type`, `expires_in`). */
  | { kind: 'omitField'; field: string }
  /** Success, but with this top-level response field set to `value` (e.g. `expires_in: "soon"`, `access_token: 42`). */
  | { kind: 'setField'; field: string; value: unknown };

/** Which requests a fault applies to, and how many times. */
export interface InjectOptions {
  /** Number of token requests affected. Default 1; `Infinity` until {@link InjectedFault.clear}. */
  times?: number;
  /** Only requests to this host (e.g. the regional one), compared case-insensitively. */
  host?: string;
}

/** A handle on one injected fault. */
export interface InjectedFault {
  readonly fault: TokenFault;
  /** How many more requests it will affect. */
  readonly remaining: number;
  clear(): void;
}

const tokenFaultKinds: ReadonlySet<TokenFault['kind']> = new Set(['tokenType', 'cnf', 'omitField', 'setField']);

/** The active faults, consumed as requests hit them. */
export class FaultSet {
  readonly #queue = new FaultQueue<TokenFault>();

  inject(fault: TokenFault, options: InjectOptions = {}): InjectedFault {
    validate(fault);
    return this.#queue.add(fault, options.times, options.host?.toLowerCase());
  }

  clear(): void {
    this.#queue.clear();
  }

  /** Takes the response faults (status, delay, destroySocket, truncate, resetMidBody, oversizedBody) that match this request. */
  takeResponseFaults(host: string): TokenFault[] {
    return this.#queue.take(host, (kind) => !tokenFaultKinds.has(kind));
  }

  /** Takes the token faults that match a request about to succeed. */
  takeTokenFaults(host: string): TokenFault[] {
    return this.#queue.take(host, (kind) => tokenFaultKinds.has(kind));
  }
}

function validate(fault: TokenFault): void {
  const ok =
    (fault?.kind === 'status' && Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599) ||
    (fault?.kind === 'delay' && Number.isFinite(fault.ms) && fault.ms >= 0) ||
    fault?.kind === 'destroySocket' || fault?.kind === 'truncate' || fault?.kind === 'resetMidBody' ||
    (fault?.kind === 'oversizedBody' && Number.isInteger(fault.bytes) && fault.bytes > 0 && (fault.chunked === undefined || typeof fault.chunked === 'boolean')) ||
    (fault?.kind === 'tokenType' && typeof fault.tokenType === 'string') ||
    (fault?.kind === 'cnf' && typeof fault.x5tS256 === 'string') ||
    (fault?.kind === 'omitField' && typeof fault.field === 'string') ||
    (fault?.kind === 'setField' && typeof fault.field === 'string' && fault.field !== '');
  if (!ok) throw new TypeError(`invalid fault: ${JSON.stringify(fault)}`);
}
