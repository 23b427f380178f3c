import { AttestationCache } from '../../src/attestation/attestation_cache.js';
import type { BindingKey } from '../../src/key/key_provider.js';

const key = (name: string): BindingKey => ({ name } as BindingKey);
const jwt = (exp: number): string => `h.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.s`;
const now = 1_700_000_000_000;

describe('AttestationCache (spec §4.3)', () => {
  test('hit while exp > now + 5 min; per endpoint and key; clientId not in the key', async () => {
    let calls = 0;
    let clock = now;
    const cache = new AttestationCache({ attest: async () => (calls++, jwt(now / 1000 + 3600)) }, () => clock);
    const input = { endpoint: 'https://maa.example/', key: key('KeyGuardRSAKey'), clientId: 'a' };
    await cache.get(input);
    await cache.get({ ...input, endpoint: 'https://MAA.example', clientId: 'b' });
    expect(calls).toBe(1);
    await cache.get({ ...input, key: key('other') });
    await cache.get({ ...input, endpoint: 'https://maa2.example' });
    expect(calls).toBe(3);
    clock = now + 3600_000 - 5 * 60_000; // inside the 5-minute buffer
    await cache.get(input);
    expect(calls).toBe(4);
  });
  test('single-flight', async () => {
    let calls = 0;
    const cache = new AttestationCache({ attest: () => new Promise((r) => setTimeout(() => r((calls++, jwt(now / 1000 + 3600))), 20)) }, () => now);
    const input = { endpoint: 'https://maa.example', key: key('k'), clientId: 'a' };
    await Promise.all(Array.from({ length: 20 }, () => cache.get(input)));
    expect(calls).toBe(1);
  });
  test.each([
    ['null', async () => null],
    ['empty', async () => ''],
    ['whitespace', async () => '  '],
    ['a throw', async () => { throw new Error('native -6'); }],
  ])('%s → ERR_IMDS_ATTESTATION_FAILED, and failures are not cached', async (_name, attest) => {
    let calls = 0;
    const cache = new AttestationCache({ attest: (() => (calls++, attest())) as never }, () => now);
    const input = { endpoint: 'https://maa.example', key: key('k'), clientId: 'a' };
    await expect(cache.get(input)).rejects.toMatchObject({ code: 'ERR_IMDS_ATTESTATION_FAILED' });
    await expect(cache.get(input)).rejects.toMatchObject({ code: 'ERR_IMDS_ATTESTATION_FAILED' });
    expect(calls).toBe(2);
  });
});
