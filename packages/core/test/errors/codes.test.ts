import { errorCatalogue, errorCodes } from '../../src/errors/codes.js';
import { MtlsError, ServerError, isMtlsError } from '../../src/errors/mtls_error.js';

describe('error catalogue', () => {
  test('every code is spelled ERR_MTLS_/ERR_IMDS_/ERR_CNG_ and has a meaning and a fix', () => {
    for (const code of errorCodes) {
      expect(code).toMatch(/^ERR_(MTLS|IMDS|CNG)_[A-Z0-9_]+$/);
      expect(errorCatalogue[code].meaning.length).toBeGreaterThan(10);
      expect(errorCatalogue[code].fix.length).toBeGreaterThan(5);
    }
  });
  test('message = given text + the fix', () => {
    const e = new MtlsError('ERR_MTLS_INVALID_REGION', { message: 'bad.' });
    expect(e.message).toBe(`bad. ${errorCatalogue.ERR_MTLS_INVALID_REGION.fix}`);
    expect(e.name).toBe('MtlsError');
  });
  test('the brand survives a second copy of the class (duplicate installs)', () => {
    const foreign = Object.create(Error.prototype) as Record<symbol, unknown>;
    foreign[Symbol.for('msal-mtls.error')] = true;
    expect(isMtlsError(foreign)).toBe(true);
    expect(foreign instanceof MtlsError).toBe(true);
    expect(new Error('x') instanceof MtlsError).toBe(false);
  });
  test('ServerError is an MtlsError and JSON has no hidden raw response', () => {
    const e = new ServerError('ERR_MTLS_SERVER_ERROR', { status: 400, error: 'invalid_request' });
    expect(e).toBeInstanceOf(MtlsError);
    expect(e).toBeInstanceOf(ServerError);
    expect(new MtlsError('ERR_MTLS_NETWORK')).not.toBeInstanceOf(ServerError);
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ code: 'ERR_MTLS_SERVER_ERROR', status: 400, error: 'invalid_request' });
  });
});
