import { bindingMutexName, decodeFriendlyName, encodeFriendlyName } from '@msal-mtls/cng';

describe('the certificate-store tags shared with MSAL.NET and msal-go (spec §9.3)', () => {
  it('encodes MSAL|alias=…|ep=…', () => {
    expect(encodeFriendlyName('system_assigned_managed_identity#att=0', 'https://eastus2.mtlsauth.microsoft.com/tenant-1')).toBe(
      'MSAL|alias=system_assigned_managed_identity#att=0|ep=https://eastus2.mtlsauth.microsoft.com/tenant-1',
    );
  });

  it.each(['a|b', 'a\rb', 'a\nb', 'a\0b', ''])('refuses an alias the grammar cannot carry (%j)', (alias) => {
    expect(encodeFriendlyName(alias, 'https://h/t')).toBeUndefined();
    expect(encodeFriendlyName('ok', alias)).toBeUndefined();
  });

  it('decodes, the last value of a repeated field winning, and ignores tags that are not ours', () => {
    expect(decodeFriendlyName('MSAL|alias=a#att=1|ep=https://h/t')).toEqual({ alias: 'a#att=1', endpointBase: 'https://h/t' });
    expect(decodeFriendlyName('MSAL|alias=a|ep=https://h/1|alias=b')).toEqual({ alias: 'b', endpointBase: 'https://h/1' });
    expect(decodeFriendlyName('MSAL|alias=a')).toBeUndefined();
    expect(decodeFriendlyName('My web server')).toBeUndefined();
    expect(decodeFriendlyName('msal|alias=a|ep=b')).toBeUndefined();
  });

  it('names the mutex from the canonical alias: first 32 hex of SHA-256(upper(trim(alias)))', () => {
    // printf 'SYSTEM_ASSIGNED_MANAGED_IDENTITY#ATT=0' | sha256sum
    const expected = 'MSAL_MI_P_a924deea403135e335f427bfd477aae8';
    expect(bindingMutexName('  system_assigned_managed_identity#att=0 ')).toBe(expected);
    expect(bindingMutexName('SYSTEM_ASSIGNED_MANAGED_IDENTITY#ATT=0')).toBe(expected);
  });
});
