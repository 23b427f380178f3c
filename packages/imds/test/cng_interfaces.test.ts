import type { ExternalKeyCertificateInput, MtlsTransport } from '@msal-mtls/core';
import * as cng from '@msal-mtls/cng';
import { PlatformKeyProvider, type AttestationProvider, type BindingStore, type KeyProvider } from '@msal-mtls/imds';

// @msal-mtls/cng does not depend on core or imds (other SDKs use it alone): it restates their
// interfaces. These assignments fail to compile the day the two drift apart.
type Assert<T extends true> = T;
export type CngProvidesKeys = Assert<cng.CngKeyProvider extends KeyProvider ? true : false>;
export type CngProvidesAttestation = Assert<cng.CngAttestationProvider extends AttestationProvider ? true : false>;
export type CngProvidesStore = Assert<cng.WindowsBindingStore extends BindingStore ? true : false>;
export type CngProvidesTransport = Assert<cng.SchannelTransport extends MtlsTransport ? true : false>;
export type CngProvidesStoreCertificate = Assert<cng.WindowsStoreCertificate extends ExternalKeyCertificateInput ? true : false>;

describe('PlatformKeyProvider', () => {
  it('uses the software key off Windows without loading @msal-mtls/cng', async () => {
    let loaded = false;
    const provider = new PlatformKeyProvider({
      platform: 'linux',
      loadCng: async () => {
        loaded = true;
        throw new Error('must not load');
      },
    });
    const key = await provider.getKey();
    expect(key.protection).toBe('in-memory');
    expect(await provider.backend()).toBe('software');
    expect(await provider.bindingStore()).toBeUndefined();
    expect(loaded).toBe(false);
  });

  it('on Windows, falls back to the software key and says why when the addon cannot be used', async () => {
    const reasons: string[] = [];
    // The real package, loaded on Linux: it loads, and isSupported() is false with the reason.
    const provider = new PlatformKeyProvider({ platform: 'win32', loadCng: async () => cng as never, onFallback: (r) => reasons.push(r) });
    expect((await provider.getKey()).protection).toBe('in-memory');
    expect(await provider.backend()).toBe('software');
    expect(reasons).toEqual([expect.stringContaining('works on Windows x64 only; this is linux-x64')]);
  });

  it('on Windows without @msal-mtls/cng installed, says so and uses the software key', async () => {
    const reasons: string[] = [];
    const provider = new PlatformKeyProvider({ platform: 'win32', loadCng: () => Promise.reject(new Error("Cannot find module '@msal-mtls/cng'")), onFallback: (r) => reasons.push(r) });
    expect(await provider.backend()).toBe('software');
    expect(reasons).toEqual([expect.stringContaining('@msal-mtls/cng is not installed')]);
  });

  it('on Windows with a working addon, chooses CNG and its certificate store', async () => {
    const made: string[] = [];
    class FakeProvider {
      readonly name = 'cng';
      getKey(): never {
        throw new Error('not in this test');
      }
      async deleteKey(): Promise<void> {}
    }
    class FakeStore {
      constructor() {
        made.push('store');
      }
    }
    const module = { isSupported: () => true, unsupportedReason: () => undefined, CngKeyProvider: FakeProvider, WindowsBindingStore: FakeStore, nativeBinding: () => ({}) };
    const provider = new PlatformKeyProvider({ platform: 'win32', loadCng: async () => module as never });
    expect(await provider.backend()).toBe('cng');
    expect(await provider.bindingStore()).toBeInstanceOf(FakeStore);
    expect(made).toEqual(['store']);
  });
});
