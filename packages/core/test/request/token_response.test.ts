import { parseTokenResponse, parseRetryAfter } from '../../src/request/token_response.js';
import type { HttpResponse } from '../../src/transport/http_types.js';
import { ServerError } from '../../src/errors/mtls_error.js';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = (x5t: string): string => `${b64({ alg: 'RS256' })}.${b64({ cnf: { 'x5t#S256': x5t } })}.sig`;
const now = 1_700_000_000_000;
const expected = { tokenType: 'mtls_pop', x5tS256: 'THUMB', nowMs: now, correlationId: 'cid' };
const response = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

describe('parseTokenResponse (spec §6.2)', () => {
  test('success: times made absolute, no refresh for short tokens', () => {
    const r = parseTokenResponse(response(200, { token_type: 'mtls_pop', access_token: token('THUMB'), expires_in: 3599 }), expected);
    expect(r).toEqual({ accessToken: token('THUMB'), tokenType: 'mtls_pop', expiresOnMs: now + 3_599_000, refreshOnMs: undefined, correlationId: 'cid' });
  });
  test('token_type is compared case-insensitively; expires_in may be a string', () => {
    const r = parseTokenResponse(response(200, { token_type: 'MTLS_POP', access_token: 'opaque', expires_in: '600' }), expected);
    expect(r.expiresOnMs).toBe(now + 600_000);
  });
  test('refresh_in sets refreshOn; else half the lifetime for tokens of 2 h or more', () => {
    expect(parseTokenResponse(response(200, { token_type: 'mtls_pop', access_token: 'o', expires_in: 3600, refresh_in: 1800 }), expected).refreshOnMs).toBe(now + 1_800_000);
    expect(parseTokenResponse(response(200, { token_type: 'mtls_pop', access_token: 'o', expires_in: 7200 }), expected).refreshOnMs).toBe(now + 3_600_000);
    expect(parseTokenResponse(response(200, { token_type: 'mtls_pop', access_token: 'o', expires_in: 7199 }), expected).refreshOnMs).toBeUndefined();
  });
  test('the server-echoed client-request-id wins', () => {
    const r = parseTokenResponse(response(200, { token_type: 'mtls_pop', access_token: 'o', expires_in: 60 }, { 'client-request-id': 'srv' }), expected);
    expect(r.correlationId).toBe('srv');
  });

  test.each([
    ['missing token_type', { access_token: 'o', expires_in: 60 }, 'ERR_MTLS_TOKEN_TYPE_MISSING'],
    ['Bearer when mtls_pop was asked', { token_type: 'Bearer', access_token: 'o', expires_in: 60 }, 'ERR_MTLS_TOKEN_TYPE_MISMATCH'],
    ['token bound to another certificate', { token_type: 'mtls_pop', access_token: token('OTHER'), expires_in: 60 }, 'ERR_MTLS_BINDING_MISMATCH'],
    ['JWT without cnf', { token_type: 'mtls_pop', access_token: `${b64({ alg: 'RS256' })}.${b64({})}.s`, expires_in: 60 }, 'ERR_MTLS_BINDING_MISMATCH'],
    ['no access_token', { token_type: 'mtls_pop', expires_in: 60 }, 'ERR_MTLS_INVALID_RESPONSE'],
    ['access_token not a string', { token_type: 'mtls_pop', access_token: 5, expires_in: 60 }, 'ERR_MTLS_INVALID_RESPONSE'],
    ['no expires_in', { token_type: 'mtls_pop', access_token: 'o' }, 'ERR_MTLS_INVALID_RESPONSE'],
    ['negative expires_in', { token_type: 'mtls_pop', access_token: 'o', expires_in: -5 }, 'ERR_MTLS_INVALID_RESPONSE'],
    ['expires_in garbage', { token_type: 'mtls_pop', access_token: 'o', expires_in: '12abc' }, 'ERR_MTLS_INVALID_RESPONSE'],
    // Found by the fuzz suite: a lifetime that ends as it arrives, or too large to be a date.
    ['expires_in 5e-324', { token_type: 'mtls_pop', access_token: 'o', expires_in: 5e-324 }, 'ERR_MTLS_INVALID_RESPONSE'],
    ['expires_in of 400 digits', { token_type: 'mtls_pop', access_token: 'o', expires_in: '9'.repeat(400) }, 'ERR_MTLS_INVALID_RESPONSE'],
    ['not JSON', 'nope', 'ERR_MTLS_INVALID_RESPONSE'],
    ['a JSON array', [1], 'ERR_MTLS_INVALID_RESPONSE'],
  ])('%s → %s', (_name, body, code) => {
    expect(() => parseTokenResponse(response(200, body), expected)).toThrow(expect.objectContaining({ code }));
  });

  test('an error keeps the OAuth fields', () => {
    const body = {
      error: 'invalid_client',
      error_description: 'AADSTS700027: cert not registered.\r\nTrace ID: t',
      error_codes: [700027],
      trace_id: 't',
      correlation_id: 'c',
    };
    let caught: unknown;
    try {
      parseTokenResponse(response(401, body), expected);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ServerError);
    expect(caught).toMatchObject({ code: 'ERR_MTLS_CLIENT_REJECTED', status: 401, error: 'invalid_client', errorCodes: [700027], traceId: 't', correlationId: 'c' });
    expect((caught as Error).message).toContain('AADSTS700027: cert not registered.');
    expect((caught as Error).message).not.toContain('Trace ID');
  });
  test('AADSTS392196 says what to do', () => {
    expect(() => parseTokenResponse(response(400, { error: 'invalid_request', error_description: 'AADSTS392196: not enrolled', error_codes: [392196] }), expected)).toThrow(
      expect.objectContaining({ code: 'ERR_MTLS_RESOURCE_NOT_ENROLLED', message: expect.stringContaining('graph.microsoft.com') }),
    );
  });
  test('refresh_in under a second is ignored (found by the fuzz suite)', () => {
    expect(parseTokenResponse(response(200, { token_type: 'mtls_pop', access_token: 'o', expires_in: 3600, refresh_in: 5e-324 }), expected).refreshOnMs).toBeUndefined();
  });
  test('an HTTP-date Retry-After is measured on the client clock (nowMs), not the wall clock', () => {
    expect(() => parseTokenResponse(response(429, '{}', { 'retry-after': new Date(now + 30_000).toUTCString() }), expected)).toThrow(expect.objectContaining({ retryAfterSeconds: 30 }));
  });
  test('5xx with a non-JSON body, Retry-After kept', () => {
    expect(() => parseTokenResponse(response(503, '<html>', { 'retry-after': '7' }), expected)).toThrow(
      expect.objectContaining({ code: 'ERR_MTLS_SERVICE_UNAVAILABLE', status: 503, retryAfterSeconds: 7 }),
    );
  });
});

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  test.each([
    ['120', 120],
    [' 3 ', 3],
    [new Date(now + 5_000).toUTCString(), 5],
    [new Date(now - 5_000).toUTCString(), 0],
    ['soon', undefined],
    [undefined, undefined],
    ['60000000000000000', undefined], // not exact as a double (found by the fuzz suite)
  ])('%p → %p', (value, want) => {
    expect(parseRetryAfter(value, now)).toBe(want);
  });
});
