import type { BindingStore } from '../binding/binding_store.js';
import type { BindingKey, GetKeyOptions, KeyProvider } from './key_provider.js';
import { SoftwareKeyProvider } from './software_key_provider.js';

/** The parts of @msal-mtls/cng this package uses (an optional dependency, loaded on Windows only). */
export interface CngModule {
  isSupported(): boolean;
  unsupportedReason(): string | undefined;
  CngKeyProvider: new () => KeyProvider & { close?(): Promise<void> };
  WindowsBindingStore: new (options: { binding: never }) => BindingStore;
  nativeBinding(): never;
}

export interface PlatformKeyProviderOptions {
  /** Where the software key is persisted (off Windows, or without @msal-mtls/cng). */
  directory?: string;
  /** Default process.platform. */
  platform?: NodeJS.Platform;
  /** Loads @msal-mtls/cng (a test seam). */
  loadCng?: () => Promise<CngModule>;
  /** Told why the Windows backend is not used, when it is not. */
  onFallback?: (reason: string) => void;
}

const importCng = (): Promise<CngModule> => import('@msal-mtls/cng') as unknown as Promise<CngModule>;

/**
 * The default key backend: on Windows, @msal-mtls/cng (KeyGuard first) when it is installed and
 * loads; everywhere else, or when it is not, the software key. Chosen on the first getKey().
 */
export class PlatformKeyProvider implements KeyProvider {
  readonly name = 'platform';
  readonly #options: PlatformKeyProviderOptions;
  #chosen: Promise<{ provider: KeyProvider; cng?: CngModule }> | undefined;

  constructor(options: PlatformKeyProviderOptions = {}) {
    this.#options = options;
  }

  async getKey(options?: GetKeyOptions): Promise<BindingKey> {
    return (await this.#choose()).provider.getKey(options);
  }

  async deleteKey(): Promise<void> {
    return (await this.#choose()).provider.deleteKey();
  }

  /** On Windows with CNG: the certificate store MSAL.NET and msal-go share. */
  async bindingStore(): Promise<BindingStore | undefined> {
    const { cng } = await this.#choose();
    return cng === undefined ? undefined : new cng.WindowsBindingStore({ binding: cng.nativeBinding() });
  }

  /** Which backend was chosen ('cng' or 'software'). */
  async backend(): Promise<string> {
    return (await this.#choose()).provider.name;
  }

  #choose(): Promise<{ provider: KeyProvider; cng?: CngModule }> {
    this.#chosen ??= this.#load();
    return this.#chosen;
  }

  async #load(): Promise<{ provider: KeyProvider; cng?: CngModule }> {
    const software = (): KeyProvider => new SoftwareKeyProvider(this.#options.directory === undefined ? {} : { directory: this.#options.directory });
    if ((this.#options.platform ?? process.platform) !== 'win32') return { provider: software() };
    let cng: CngModule;
    try {
      cng = await (this.#options.loadCng ?? importCng)();
    } catch {
      this.#options.onFallback?.('@msal-mtls/cng is not installed; using a software key (install it for KeyGuard keys).');
      return { provider: software() };
    }
    if (!cng.isSupported()) {
      this.#options.onFallback?.(`@msal-mtls/cng cannot be used (${cng.unsupportedReason() ?? 'unknown reason'}); using a software key.`);
      return { provider: software() };
    }
    return { provider: new cng.CngKeyProvider(), cng };
  }
}
