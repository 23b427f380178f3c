/**
 * Misuse is a TypeError (or RangeError), failure is an MtlsError. These helpers build the misuse
 * errors with one voice: the parameter, what was expected, what was received. They carry the code
 * ERR_MTLS_INVALID_ARGUMENT so the CLI and scripts can still switch on a code.
 * Never pass a secret as `received`: only its type is described.
 */
const code = 'ERR_MTLS_INVALID_ARGUMENT' as const;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : `a string of length ${value.length}`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return typeof value;
}

export function invalidArgument(name: string, expected: string, received: unknown): TypeError {
  const error = new TypeError(`${name} must be ${expected}; received ${describe(received)}.`);
  Object.defineProperty(error, 'code', { value: code, enumerable: true });
  return error;
}

export function invalidValue(name: string, problem: string): RangeError {
  const error = new RangeError(`${name} ${problem}.`);
  Object.defineProperty(error, 'code', { value: code, enumerable: true });
  return error;
}

export function requireString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw invalidArgument(name, 'a non-empty string', value);
  return value;
}

/** A correlation id travels in a header: visible ASCII only, so no CR/LF can split the request. */
export function requireCorrelationId(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(value)) {
    throw invalidArgument(name, 'a string of 1 to 256 visible ASCII characters (a GUID)', value);
  }
  return value;
}

export function requireObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument(name, 'an object', value);
  return value as Record<string, unknown>;
}
