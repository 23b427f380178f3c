/**
 * Token-endpoint faults (spec §6.2 response rules, §1.5 DefaultRetryPolicy(STS): one retry after
 * 1 s on a timeout, a lost connection or a 5xx without Retry-After; a 429, or a 5xx with
 * Retry-After, surfaces at once with `retryAfterSeconds`). Run against both paths.
 */
import type { TokenFault } from '@msal-mtls/emulator';
import { closedPort, type FaultCase } from './harness.js';
import { fails } from './imds_cases.js';

/** The options both clients share that a case may set. */
export interface TokenCaseOptions {
  connectTo?: string[];
  requestTimeoutMs?: number;
}
export type TokenCase = FaultCase<TokenCaseOptions>;

const success = { kind: 'success' } as const;
const tenMb = 10 * 1024 * 1024;
const always = Infinity;
const on = (fault: TokenFault, times = 1) => (emu: Parameters<TokenCase['inject']>[0]): void => void emu.inject(fault, { times });
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function transportCases(): TokenCase[] {
  return [
    {
      name: 'connection refused',
      inject: async () => ({ connectTo: [`::127.0.0.1:${await closedPort()}`] }),
      expect: fails('ERR_MTLS_NETWORK', /ECONNREFUSED/),
      waits: [1000],
      recovers: false,
    },
    { name: 'connection dropped before any answer, once', inject: on({ kind: 'destroySocket' }), expect: success, waits: [1000] },
    { name: 'connection dropped before any answer, throughout', inject: on({ kind: 'destroySocket' }, always), expect: fails('ERR_MTLS_NETWORK', /mtlsauth\.microsoft\.com/), waits: [1000] },
    { name: 'reset mid-body (TCP RST), once', inject: on({ kind: 'resetMidBody' }), expect: success, waits: [1000] },
    { name: 'reset mid-body (TCP RST), throughout', inject: on({ kind: 'resetMidBody' }, always), expect: fails('ERR_MTLS_NETWORK', /ECONNRESET|closed before the response was complete/), waits: [1000] },
    { name: 'body cut short, once', inject: on({ kind: 'truncate' }), expect: success, waits: [1000] },
    { name: 'body cut short, throughout', inject: on({ kind: 'truncate' }, always), expect: fails('ERR_MTLS_NETWORK', /closed before the response was complete|ECONNRESET/), waits: [1000] },
    {
      name: 'stall past the timeout, once',
      inject: (emu) => {
        emu.inject({ kind: 'delay', ms: 1000 });
        return { requestTimeoutMs: 250 };
      },
      expect: success,
      waits: [1000],
    },
    {
      name: 'stall past the timeout, throughout',
      inject: (emu) => {
        emu.inject({ kind: 'delay', ms: 1000 }, { times: always });
        return { requestTimeoutMs: 250 };
      },
      expect: fails('ERR_MTLS_TIMEOUT', /did not answer within 250 ms/),
      waits: [1000],
    },
  ];
}

function statusCases(): TokenCase[] {
  const cases: TokenCase[] = [];
  for (const status of [500, 502, 503, 504]) {
    cases.push({ name: `HTTP ${status} once`, inject: on({ kind: 'status', status }), expect: success, waits: [1000] });
    cases.push({
      name: `HTTP ${status} throughout`,
      inject: on({ kind: 'status', status }, always),
      expect: fails('ERR_MTLS_SERVICE_UNAVAILABLE', new RegExp(`HTTP ${status}`), { status }),
      waits: [1000],
    });
  }
  cases.push(
    {
      name: '500 with a body that is not JSON, throughout',
      inject: on({ kind: 'status', status: 500, body: '<html>upstream error</html>' }, always),
      expect: fails('ERR_MTLS_SERVICE_UNAVAILABLE', /HTTP 500/, { status: 500 }),
      waits: [1000],
    },
    {
      name: '429 without Retry-After surfaces at once',
      inject: on({ kind: 'status', status: 429 }),
      expect: fails('ERR_MTLS_SERVER_ERROR', /too_many_requests \(HTTP 429\)/, { status: 429, retryAfterSeconds: undefined }),
      waits: [],
    },
    {
      name: '429 with Retry-After: 7 surfaces at once with retryAfterSeconds',
      inject: on({ kind: 'status', status: 429, headers: { 'retry-after': '7' } }),
      expect: fails('ERR_MTLS_SERVER_ERROR', /HTTP 429/, { status: 429, retryAfterSeconds: 7 }),
      waits: [],
    },
    {
      name: '429 with Retry-After as an HTTP-date 5 s ahead',
      inject: (emu) => void emu.inject({ kind: 'status', status: 429, headers: { 'retry-after': new Date(Date.now() + 5000).toUTCString() } }),
      expect: fails('ERR_MTLS_SERVER_ERROR', /HTTP 429/, { status: 429 }),
      waits: [],
      after: (_emu, { error }) => {
        const seconds = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
        expect(seconds).toBeGreaterThanOrEqual(4);
        expect(seconds).toBeLessThanOrEqual(5);
      },
    },
    {
      name: '503 with Retry-After: 10 is not retried (the caller decides)',
      inject: on({ kind: 'status', status: 503, headers: { 'retry-after': '10' } }),
      expect: fails('ERR_MTLS_SERVICE_UNAVAILABLE', /HTTP 503/, { status: 503, retryAfterSeconds: 10 }),
      waits: [],
    },
    {
      name: '400 invalid_request is not retried',
      inject: on({ kind: 'status', status: 400, body: { error: 'invalid_request', error_description: 'AADSTS900144: bad form', error_codes: [900144] } }),
      expect: fails('ERR_MTLS_SERVER_ERROR', /invalid_request \(HTTP 400\): AADSTS900144/, { status: 400, errorCodes: [900144] }),
      waits: [],
    },
  );
  return cases;
}

function bodyCases(): TokenCase[] {
  const cases: TokenCase[] = [
    { name: 'a 10 MB body (Content-Length)', inject: on({ kind: 'oversizedBody', bytes: tenMb }), expect: fails('ERR_MTLS_RESPONSE_TOO_LARGE', /larger than 1048576 bytes/), waits: [] },
    { name: 'a 10 MB body (chunked)', inject: on({ kind: 'oversizedBody', bytes: tenMb, chunked: true }), expect: fails('ERR_MTLS_RESPONSE_TOO_LARGE', /larger than 1048576 bytes/), waits: [] },
  ];
  for (const [label, body] of [['invalid JSON', '{"token_type":"mtls_pop",'], ['a JSON array', '[]'], ['a JSON string', '"token"'], ['an empty body', '']] as const) {
    cases.push({ name: `200 with ${label}`, inject: on({ kind: 'status', status: 200, body }), expect: fails('ERR_MTLS_INVALID_RESPONSE', /not (JSON|a JSON object)/), waits: [] });
  }
  cases.push(
    { name: 'without token_type', inject: on({ kind: 'omitField', field: 'token_type' }), expect: fails('ERR_MTLS_TOKEN_TYPE_MISSING'), waits: [] },
    { name: 'without access_token', inject: on({ kind: 'omitField', field: 'access_token' }), expect: fails('ERR_MTLS_INVALID_RESPONSE', /access_token/), waits: [] },
    { name: 'without expires_in', inject: on({ kind: 'omitField', field: 'expires_in' }), expect: fails('ERR_MTLS_INVALID_RESPONSE', /expires_in/), waits: [] },
  );
  const wrongTypes: Array<[string, unknown, Parameters<typeof fails>[0], RegExp | undefined]> = [
    ['token_type', null, 'ERR_MTLS_TOKEN_TYPE_MISSING', undefined],
    ['token_type', 42, 'ERR_MTLS_TOKEN_TYPE_MISMATCH', /received 42/],
    ['token_type', ['mtls_pop'], 'ERR_MTLS_TOKEN_TYPE_MISMATCH', /mtls_pop/],
    ['access_token', 42, 'ERR_MTLS_INVALID_RESPONSE', /access_token/],
    ['access_token', { jwt: 'x' }, 'ERR_MTLS_INVALID_RESPONSE', /access_token/],
    ['access_token', '', 'ERR_MTLS_INVALID_RESPONSE', /access_token/],
    ['expires_in', 'soon', 'ERR_MTLS_INVALID_RESPONSE', /expires_in/],
    ['expires_in', -5, 'ERR_MTLS_INVALID_RESPONSE', /expires_in/],
    ['expires_in', 0, 'ERR_MTLS_INVALID_RESPONSE', /expires_in/],
    ['expires_in', true, 'ERR_MTLS_INVALID_RESPONSE', /expires_in/],
    ['expires_in', '9'.repeat(400), 'ERR_MTLS_INVALID_RESPONSE', /expires_in/],
  ];
  for (const [field, value, code, mentions] of wrongTypes) {
    cases.push({ name: `${field} = ${JSON.stringify(value).slice(0, 24)}`, inject: on({ kind: 'setField', field, value }), expect: fails(code, mentions), waits: [] });
  }
  cases.push(
    // Optional members of the wrong type are ignored, as MSAL does: the token is still good.
    { name: 'refresh_in = "later" (optional, ignored)', inject: on({ kind: 'setField', field: 'refresh_in', value: 'later' }), expect: success, waits: [] },
    { name: 'ext_expires_in = {} (optional, ignored)', inject: on({ kind: 'setField', field: 'ext_expires_in', value: {} }), expect: success, waits: [] },
    { name: 'expires_in as a numeric string (accepted, spec §6.2)', inject: on({ kind: 'setField', field: 'expires_in', value: '3600' }), expect: success, waits: [] },
    { name: 'token_type Bearer when mtls_pop was asked', inject: on({ kind: 'tokenType', tokenType: 'Bearer' }), expect: fails('ERR_MTLS_TOKEN_TYPE_MISMATCH', /asked for token type mtls_pop, but received Bearer/), waits: [] },
    {
      name: "a token whose cnf names another certificate",
      inject: on({ kind: 'cnf', x5tS256: 'q1Xs0dtXYgYAHc9Tb8PkSwN5oOh4NlUf9dg4v6d3bJ0' }),
      expect: fails('ERR_MTLS_BINDING_MISMATCH', /bound to certificate q1Xs0dtXYgYAHc9Tb8PkSwN5oOh4NlUf9dg4v6d3bJ0, not to ours/),
      waits: [],
    },
    {
      name: 'a JWT with no cnf at all',
      inject: on({ kind: 'setField', field: 'access_token', value: `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ aud: 'https://graph.microsoft.com' })}.c2ln` }),
      expect: fails('ERR_MTLS_BINDING_MISMATCH', /no cnf/),
      waits: [],
    },
  );
  return cases;
}

/** Every token-endpoint fault case. */
export function tokenCases(): TokenCase[] {
  return [...transportCases(), ...statusCases(), ...bodyCases()];
}
