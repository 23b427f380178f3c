import type { X509Certificate } from 'node:crypto';

/** A persisted binding certificate (never its private key) and where to use it. */
export interface StoredBinding {
  alias: string;
  certificate: X509Certificate;
  tokenUrl: string;
  clientId: string;
  tenantId: string;
}

/**
 * Where binding certificates outlive the process, so a restart skips IMDS issuance. Each record
 * is tied to the key it was issued for; `read` returns only records of this key (others are
 * orphans and are removed). Implementations: `BindingFileStore` (0600 JSON files) and, on
 * Windows, @msal-mtls/cng's certificate-store persistence shared with the other SDKs.
 */
export interface BindingStore {
  read(alias: string, keyName: string, keySpki: Uint8Array): Promise<StoredBinding | undefined>;
  write(binding: StoredBinding, keyName: string, keySpki: Uint8Array): Promise<void>;
  remove(alias: string): Promise<void>;
}
