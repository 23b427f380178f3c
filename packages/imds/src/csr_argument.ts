/**
 * Misuse errors for the CSR builder, in the same voice as @msal-mtls/core's argument helpers (which
 * core does not export yet): TypeError for a wrong type, RangeError for a bad value, both carrying
 * code ERR_MTLS_INVALID_ARGUMENT so scripts can switch on it. Never pass a secret as `received`:
 * only its type and length are described.
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
