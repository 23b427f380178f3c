import type { KeyProvider } from '../key/key_provider.js';
import type { BindingStore, StoredBinding } from './binding_store.js';

/**
 * The key backend's own binding store when it has one (on Windows, @msal-mtls/cng's certificate
 * store, shared with MSAL.NET and msal-go), else the fallback (the file store, or none). Chosen on
 * first use, because the backend itself is chosen lazily.
 */
export class ProviderBindingStore implements BindingStore {
  readonly #provider: KeyProvider;
  readonly #useProviderStore: boolean;
  readonly #fallback: BindingStore | undefined;
  #chosen: Promise<BindingStore | undefined> | undefined;

  constructor(provider: KeyProvider, useProviderStore: boolean, fallback: BindingStore | undefined) {
    this.#provider = provider;
    this.#useProviderStore = useProviderStore;
    this.#fallback = fallback;
  }

  async read(alias: string, keyName: string, keySpki: Uint8Array): Promise<StoredBinding | undefined> {
    return (await this.#store())?.read(alias, keyName, keySpki);
  }

  async write(binding: StoredBinding, keyName: string, keySpki: Uint8Array): Promise<void> {
    await (await this.#store())?.write(binding, keyName, keySpki);
  }

  async remove(alias: string): Promise<void> {
    await (await this.#store())?.remove(alias);
  }

  #store(): Promise<BindingStore | undefined> {
    this.#chosen ??= (this.#useProviderStore && this.#provider.bindingStore !== undefined ? this.#provider.bindingStore() : Promise.resolve(undefined)).then(
      (own) => own ?? this.#fallback,
      () => this.#fallback,
    );
    return this.#chosen;
  }
}
