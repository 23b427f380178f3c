import { isMtlsError } from '@msal-mtls/core';
import { CngError, cngErrorCodes, isSupported, nativeBinding, unsupportedReason, windowsStoreCertificate } from '@msal-mtls/cng';

describe('@msal-mtls/cng off Windows', () => {
  it('loads, and says plainly that it is not supported here', () => {
    expect(isSupported()).toBe(false);
    expect(unsupportedReason()).toBe(`@msal-mtls/cng works on Windows x64 only; this is ${process.platform}-${process.arch}.`);
  });

  it('throws ERR_CNG_NOT_SUPPORTED, a branded msal-mtls error, when the addon is asked for', () => {
    let caught: unknown;
    try {
      nativeBinding();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CngError);
    expect((caught as CngError).code).toBe('ERR_CNG_NOT_SUPPORTED');
    expect(isMtlsError(caught)).toBe(true);
    expect((caught as Error).message).toContain('Windows x64 only');
  });

  it('checks arguments before it needs the addon', () => {
    expect(() => windowsStoreCertificate({ thumbprint: 'not-hex' })).toThrow(expect.objectContaining({ code: 'ERR_CNG_INVALID_ARGUMENT' }));
    expect(() => windowsStoreCertificate({ thumbprint: 'AB'.repeat(20), location: 'Elsewhere' as never })).toThrow(TypeError);
    expect(() => windowsStoreCertificate({ thumbprint: 'ab:'.repeat(19) + 'ab' })).toThrow(expect.objectContaining({ code: 'ERR_CNG_NOT_SUPPORTED' }));
  });

  it('has one catalogue entry per code, each with a fix', () => {
    expect(new Set(cngErrorCodes).size).toBe(cngErrorCodes.length);
    for (const code of cngErrorCodes) expect(new CngError(code).message.length).toBeGreaterThan(40);
  });
});
