import { constants, createPrivateKey, createPublicKey, generateKeyPair, sign, type KeyObject } from 'node:crypto';
import { MtlsError } from '@msal-mtls/core';
import type { BindingKey, GetKeyOptions, KeyDowngrade, KeyProvider, SignOptions } from './key_provider.js';
import { readPrivateKeyFile, writePrivateKeyFileOnce, deleteKeyFile } from './key_file_store.js';

export interface SoftwareKeyProviderOptions {
  /** Folder of the per-user key store; persistence is off when absent (the key lives in memory). */
  directory?: string;
  /** File name stem of the persisted key. Default `msal-mtls-binding-key`. */
  keyName?: string;
}

const strongerLevels: readonly KeyDowngrade[] = [
  { level: 'keyguard', reason: 'KeyGuard keys need Windows with Credential Guard and @msal-mtls/cng; this provider makes software keys' },
  { level: 'hardware', reason: 'no hardware-backed key store is used by the software provider' },
];

/**
 * RSA-2048 keys made by Node's crypto: the portable backend (Linux, macOS, Windows without cng).
 * Persisted keys live in a private per-user folder (0700) as 0600 files and are reused by the next
 * process, so a persisted binding certificate stays usable; otherwise the key is in memory only.
 */
export class SoftwareKeyProvider implements KeyProvider {
  readonly name = 'software';
  readonly #directory: string | undefined;
  readonly #keyName: string;
  #key: Promise<BindingKey> | undefined;

  constructor(options: SoftwareKeyProviderOptions = {}) {
    this.#directory = options.directory;
    this.#keyName = options.keyName ?? 'msal-mtls-binding-key';
  }

  getKey(options?: GetKeyOptions): Promise<BindingKey> {
    this.#key ??= this.#load(options?.onGenerate).catch((error: unknown) => {
      this.#key = undefined;
      throw error;
    });
    return this.#key;
  }

  async deleteKey(): Promise<void> {
    this.#key = undefined;
    if (this.#directory !== undefined) await deleteKeyFile(this.#directory, this.#keyName);
  }

  async #load(onGenerate: (() => void) | undefined): Promise<BindingKey> {
    if (this.#directory === undefined) {
      onGenerate?.();
      return softwareKey(await generateRsaKey(), this.#keyName, 'in-memory');
    }
    const existing = await readPrivateKeyFile(this.#directory, this.#keyName);
    if (existing !== undefined) return softwareKey(parsePem(existing), this.#keyName, 'software');
    onGenerate?.();
    const fresh = await generateRsaKey();
    // Another process may have won the race to create it: then use theirs, so both processes
    // bind certificates to the same key.
    const stored = await writePrivateKeyFileOnce(this.#directory, this.#keyName, fresh.export({ type: 'pkcs8', format: 'pem' }) as string);
    return softwareKey(parsePem(stored), this.#keyName, 'software');
  }
}

function generateRsaKey(): Promise<KeyObject> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 }, (error, _publicKey, privateKey) => {
      if (error) reject(error);
      else resolve(privateKey);
    });
  });
}

function parsePem(pem: string): KeyObject {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails?.modulusLength !== 2048) throw new Error('not an RSA-2048 key');
    return key;
  } catch (cause) {
    throw new MtlsError('ERR_IMDS_KEY_STORE', { message: 'The persisted binding key is not a readable RSA-2048 private key.', cause });
  }
}

function softwareKey(privateKey: KeyObject, name: string, protection: 'software' | 'in-memory'): BindingKey {
  const spki = new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  const downgrades = protection === 'software' ? strongerLevels : [...strongerLevels, { level: 'software' as const, reason: 'persistence is off' }];
  return {
    name,
    protection,
    downgrades,
    publicKeySpki: () => spki,
    sign: (data, options) => signAsync(privateKey, data, options),
    tls: { kind: 'node-key', privateKey },
  };
}

/** Signs on the thread pool (the callback form of crypto.sign), never blocking the event loop. */
function signAsync(privateKey: KeyObject, data: Uint8Array, options: SignOptions): Promise<Uint8Array> {
  const pss = options.algorithm === 'RSA-PSS';
  return new Promise((resolve, reject) => {
    sign(
      'sha256',
      data,
      { key: privateKey, padding: pss ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING, ...(pss ? { saltLength: 32 } : {}) },
      (error, signature) => (error ? reject(error) : resolve(new Uint8Array(signature))),
    );
  });
}
