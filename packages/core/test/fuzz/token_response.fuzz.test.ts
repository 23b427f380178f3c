import * as fc from 'fast-check';
import { isMtlsError } from '../../src/errors/mtls_error.js';
import { decodeJwtClaims, readCnfThumbprint } from '../../src/pop/jwt_cnf.js';
import { parseRetryAfter, parseTokenResponse } from '../../src/request/token_response.js';
import { codedError, fuzz, timed } from './settings.js';

// The token endpoint's answer is bytes from the network: whatever they are, parsing ends in a
// checked TokenResponse or a coded MtlsError, quickly, and never leaks the token into a message.
const now = 1_750_000_000_000;
const ours = 'q1Xs0dtXYgYAHc9Tb8PkSwN5oOh4NlUf9dg4v6d3bJ0';
const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const jwt = (header: unknown, payload: unknown, signature = 'c2lnbmF0dXJl'): string => `${b64(header)}.${b64(payload)}.${signature}`;

const serverCodes = ['ERR_MTLS_SERVER_ERROR', 'ERR_MTLS_CLIENT_REJECTED', 'ERR_MTLS_RESOURCE_NOT_ENROLLED', 'ERR_MTLS_SERVICE_UNAVAILABLE'];
const successCodes = ['ERR_MTLS_INVALID_RESPONSE', 'ERR_MTLS_TOKEN_TYPE_MISSING', 'ERR_MTLS_TOKEN_TYPE_MISMATCH', 'ERR_MTLS_BINDING_MISMATCH'];

/** An access token: a JWT bound to us, to someone else, to nobody, malformed, or not a string at all. */
const accessToken = fc.oneof(
  fc.constant(jwt({ alg: 'RS256', typ: 'JWT' }, { aud: 'https://graph.microsoft.com', cnf: { 'x5t#S256': ours } })),
  fc.string({ minLength: 1, maxLength: 43 }).map((other) => jwt({ alg: 'RS256' }, { cnf: { 'x5t#S256': other } })),
  fc.jsonValue({ maxDepth: 3 }).map((payload) => jwt({ alg: 'RS256' }, payload)),
  fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 })).map(([h, p]) => jwt(h, p)),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const seconds = fc.oneof(
  fc.integer({ min: -10, max: 100_000 }),
  fc.double(),
  fc.integer({ min: 0, max: 100_000 }).map(String),
  fc.stringMatching(/^\d{1,400}(\.\d{1,5})?$/),
  fc.string({ maxLength: 12 }),
  fc.jsonValue({ maxDepth: 1 }),
);
const tokenType = fc.oneof(fc.constantFrom('mtls_pop', 'MTLS_POP', 'Mtls_Pop', 'Bearer', 'pop', ''), fc.jsonValue({ maxDepth: 1 }));
/** A response object near the real shape: each member present or not, right or wrong type, plus noise. */
const nearlyValid = fc
  .tuple(
    fc.record(
      {
        token_type: tokenType, access_token: accessToken, expires_in: seconds, ext_expires_in: seconds, refresh_in: seconds,
        error: fc.oneof(fc.constantFrom('invalid_client', 'invalid_request', 'temporarily_unavailable'), fc.jsonValue({ maxDepth: 1 })),
        error_description: fc.oneof(fc.string(), fc.constant('AADSTS392196: not enrolled\r\nmore'), fc.jsonValue({ maxDepth: 1 })),
        error_codes: fc.oneof(fc.array(fc.integer()), fc.constant([392196]), fc.jsonValue({ maxDepth: 1 })),
        correlation_id: fc.oneof(fc.uuid(), fc.jsonValue({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  )
  .map(([known, noise]) => ({ ...noise, ...known }));
const body = fc.oneof(
  nearlyValid.map((o) => Buffer.from(JSON.stringify(o))),
  fc.tuple(nearlyValid, fc.nat()).map(([o, cut]) => { const text = JSON.stringify(o); return Buffer.from(text.slice(0, cut % (text.length + 1))); }),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '')),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
);
const response = fc.record({
  status: fc.oneof(fc.constant(200), fc.constantFrom(400, 401, 429, 500, 502, 503, 504), fc.integer({ min: 100, max: 599 })),
  headers: fc.record(
    { 'retry-after': fc.oneof(fc.stringMatching(/^\d{1,6}$/), fc.stringMatching(/^\d{15,40}$/), fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()), fc.string()), 'client-request-id': fc.string() },
    { requiredKeys: [] },
  ),
  body,
});

describe('parseTokenResponse under fuzz', () => {
  test('any response: a checked token or a coded error, never a crash, never the token in a message', () => {
    fc.assert(
      fc.property(response, (r) => {
        let parsed;
        try {
          parsed = timed(500, () => parseTokenResponse(r, { tokenType: 'mtls_pop', x5tS256: ours, nowMs: now, correlationId: 'corr' }));
        } catch (error) {
          const { code, message } = codedError(error, r.status === 200 ? successCodes : serverCodes);
          expect(isMtlsError(error)).toBe(true);
          const fields = error as { status?: unknown; retryAfterSeconds?: unknown };
          if (r.status !== 200) {
            expect(fields.status).toBe(r.status);
            const after = fields.retryAfterSeconds;
            expect(after === undefined || (Number.isSafeInteger(after) && (after as number) >= 0)).toBe(true);
          }
          const json = (() => { try { return JSON.parse(r.body.toString('utf8')) as { access_token?: unknown }; } catch { return undefined; } })();
          const token = json?.access_token;
          if (typeof token === 'string' && token.length >= 16 && code !== 'ERR_MTLS_TOKEN_TYPE_MISMATCH') expect(message).not.toContain(token);
          return;
        }
        expect(r.status).toBe(200);
        expect(parsed.tokenType).toBe('mtls_pop');
        expect(typeof parsed.accessToken).toBe('string');
        expect(parsed.accessToken.length).toBeGreaterThan(0);
        expect(Number.isFinite(parsed.expiresOnMs) && parsed.expiresOnMs > now).toBe(true);
        expect(new Date(parsed.expiresOnMs).toISOString()).toMatch(/Z$/);
        if (parsed.refreshOnMs !== undefined) expect(parsed.refreshOnMs > now && parsed.refreshOnMs < parsed.expiresOnMs).toBe(true);
        const cnf = readCnfThumbprint(parsed.accessToken);
        expect(cnf === undefined || cnf === ours).toBe(true);
      }),
      fuzz(3000),
    );
  });

  test('every well-formed mtls_pop answer bound to us is accepted, with the lifetime it states', () => {
    const casing = fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }).map((upper) => [...'mtls_pop'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    fc.assert(
      fc.property(casing, fc.integer({ min: 1, max: 10_000_000 }), fc.boolean(), fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => !/^(token_type|access_token|expires_in|refresh_in)$/.test(k)), fc.jsonValue({ maxDepth: 1 })), (type, lifetime, asString, noise) => {
        const token = jwt({ alg: 'RS256' }, { cnf: { 'x5t#S256': ours } });
        const parsed = parseTokenResponse(
          { status: 200, headers: {}, body: Buffer.from(JSON.stringify({ ...noise, token_type: type, access_token: token, expires_in: asString ? String(lifetime) : lifetime })) },
          { tokenType: 'mtls_pop', x5tS256: ours, nowMs: now, correlationId: 'c' },
        );
        expect(parsed).toMatchObject({ accessToken: token, tokenType: 'mtls_pop', expiresOnMs: now + lifetime * 1000 });
      }),
      fuzz(500),
    );
  });

  test('Retry-After: delta-seconds or an HTTP-date give a whole number of seconds ≥ 0, anything else none', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^\s*\d{1,10}\s*$/), fc.stringMatching(/^\d{15,400}$/), fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()), fc.string({ unit: 'binary' })), (value) => {
        const seconds = timed(50, () => parseRetryAfter(value, now));
        expect(seconds === undefined || (Number.isSafeInteger(seconds) && seconds >= 0)).toBe(true);
      }),
      fuzz(2000),
    );
  });
});

describe('the JWT cnf reader under fuzz', () => {
  test('any string: undefined (not a JWS), null (no cnf) or a string; never a throw', () => {
    const segment = fc.oneof(fc.base64String({ maxLength: 60 }).map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')), fc.jsonValue({ maxDepth: 3 }).map(b64), fc.string({ unit: 'binary', maxLength: 30 }));
    const token = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')));
    fc.assert(
      fc.property(token, (t) => {
        const cnf = timed(50, () => readCnfThumbprint(t));
        expect(cnf === undefined || cnf === null || typeof cnf === 'string').toBe(true);
        const claims = decodeJwtClaims(t);
        expect(claims === undefined || (typeof claims === 'object' && claims !== null && !Array.isArray(claims))).toBe(true);
      }),
      fuzz(3000),
    );
  });

  test('a JWT with cnf x5t#S256 = t reads back t; with a cnf of another shape, null', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => k !== 'cnf' && k !== '__proto__'), fc.jsonValue({ maxDepth: 2 })), fc.jsonValue({ maxDepth: 2 }), (thumbprint, claims, otherCnf) => {
        expect(readCnfThumbprint(jwt({ alg: 'ES256' }, { ...claims, cnf: { 'x5t#S256': thumbprint } }))).toBe(thumbprint);
        const isBound = typeof otherCnf === 'object' && otherCnf !== null && typeof (otherCnf as Record<string, unknown>)['x5t#S256'] === 'string';
        if (!isBound) expect(readCnfThumbprint(jwt({ alg: 'ES256' }, { ...claims, cnf: otherCnf }))).toBeNull();
      }),
      fuzz(1000),
    );
  });
});
