import { readCnfThumbprint, decodeJwtClaims } from '../../src/pop/jwt_cnf.js';

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (payload: unknown, header: unknown = { alg: 'RS256', typ: 'JWT' }): string => `${b64(header)}.${b64(payload)}.c2ln`;

describe('readCnfThumbprint (RFC 8705 §3.1)', () => {
  test.each([
    ['bound JWT', jwt({ cnf: { 'x5t#S256': 'abc' } }), 'abc'],
    ['JWT without cnf', jwt({ aud: 'x' }), null],
    ['cnf not an object', jwt({ cnf: 'abc' }), null],
    ['cnf with a jkt only', jwt({ cnf: { jkt: 'k' } }), null],
    ['x5t#S256 not a string', jwt({ cnf: { 'x5t#S256': 5 } }), null],
    ['payload not JSON', `${b64({ alg: 'RS256' })}.bm90IGpzb24.c2ln`, null],
    ['opaque token', 'opaque-token-value', undefined],
    ['JWE (5 parts)', 'a.b.c.d.e', undefined],
    ['header without alg', jwt({ cnf: { 'x5t#S256': 'abc' } }, { typ: 'JWT' }), undefined],
    ['empty segments', '..', undefined],
  ])('%s', (_name, token, want) => {
    expect(readCnfThumbprint(token)).toBe(want);
  });
  test('decodeJwtClaims', () => {
    expect(decodeJwtClaims(jwt({ aud: 'a', n: 1 }))).toEqual({ aud: 'a', n: 1 });
    expect(decodeJwtClaims('opaque')).toBeUndefined();
  });
});
