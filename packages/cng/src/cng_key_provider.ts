import { CngError } from './errors/cng_error.js';
import type { CngKey } from './cng_key.js';
import { openBindingKey, type KeyLadderOptions } from './key_ladder.js';
import type { NativeBinding } from './native_binding.js';
import { nativeBinding } from './support.js';
import { purgeImdsIssuedCertificates } from './windows_binding_store.js';

export interface CngKeyProviderOptions extends KeyLadderOptions {
  /** The addon; defaults to this package's prebuild (tests may pass their own). */
  binding?: NativeBinding;
  /**
   * After a new KeyGuard key is made, delete the certificates IMDS issued for the old one from
   * CurrentUser\My (spec §7.3; they can never be used again). Default true.
   */
  purgeOnNewKeyGuardKey?: boolean;
}

/**
 * The Windows key provider: a KeyProvider of @msal-mtls/imds by structure. The first getKey()
 * walks the ladder (KeyGuard → persisted → in-memory) once; later calls reuse the key.
 */
export class CngKeyProvider {
  readonly name = 'cng';
  readonly #options: CngKeyProviderOptions;
  #key: Promise<CngKey> | undefined;

  constructor(options: CngKeyProviderOptions = {}) {
    this.#options = options;
  }

  getKey(): Promise<CngKey> {
    this.#key ??= this.#open().catch((error: unknown) => {
      this.#key = undefined;
      throw error;
    });
    return this.#key;
  }

  async #open(): Promise<CngKey> {
    const binding = this.#options.binding ?? nativeBinding();
    const result = await openBindingKey(binding, this.#options);
    if (!Array.isArray(result)) {
      if (result.protection === 'keyguard' && result.created && this.#options.purgeOnNewKeyGuardKey !== false) purgeImdsIssuedCertificates(binding);
      return result;
    }
    const reasons = result.map((d) => `${d.level}: ${d.reason}`).join('; ');
    throw new CngError('ERR_CNG_KEY_UNAVAILABLE', { message: `No CNG binding key could be made (${reasons}).` });
  }

  /** Deletes the persisted key (the next getKey() makes a new one). Best effort for in-memory keys. */
  async deleteKey(): Promise<void> {
    const pending = this.#key;
    this.#key = undefined;
    if (pending === undefined) return;
    const key = await pending.catch(() => undefined);
    if (key === undefined) return;
    try {
      key.delete();
    } finally {
      key.close();
    }
  }

  /** Closes the key handle; an in-memory key (this process's own container) is deleted first. */
  async close(): Promise<void> {
    const pending = this.#key;
    this.#key = undefined;
    const key = await pending?.catch(() => undefined);
    if (key === undefined) return;
    if (key.protection === 'in-memory') {
      try {
        key.delete();
      } catch {
        // Best effort: an unnamed key has nothing to delete, and Wine cannot delete keys.
      }
    }
    key.close();
  }
}
