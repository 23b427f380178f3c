import { createHash, X509Certificate } from 'node:crypto';
import { open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensurePrivateDirectory } from '../key/key_file_store.js';

import type { BindingStore, StoredBinding } from './binding_store.js';

export type { StoredBinding } from './binding_store.js';

interface Record1 {
  version: 1;
  alias: string;
  certificate: string;
  tokenUrl: string;
  clientId: string;
  tenantId: string;
  keyName: string;
  keySpkiSha256: string;
}

export function spkiSha256(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('hex');
}

/**
 * Persisted binding certificates (certificate only, never a private key), so a restarted
 * process skips IMDS issuance. One 0600 JSON file per alias in the private key-store folder.
 * Each record names the key it was issued for (name + SHA-256 of its public key): a record whose
 * key changed is an orphan and is deleted on read, with no signature needed to tell.
 */
export class BindingFileStore implements BindingStore {
  readonly #directory: string;

  constructor(directory: string) {
    this.#directory = directory;
  }

  /** The stored binding for an alias if it was issued for this key; orphans are removed. */
  async read(alias: string, keyName: string, keySpki: Uint8Array): Promise<StoredBinding | undefined> {
    const path = this.#path(alias);
    let record: Record1;
    try {
      record = JSON.parse(await readFile(path, 'utf8')) as Record1;
    } catch {
      return undefined;
    }
    const valid =
      record?.version === 1 && record.alias === alias && typeof record.certificate === 'string' &&
      typeof record.tokenUrl === 'string' && record.tokenUrl.startsWith('https://') &&
      typeof record.clientId === 'string' && typeof record.tenantId === 'string';
    if (!valid || record.keyName !== keyName || record.keySpkiSha256 !== spkiSha256(keySpki)) {
      await rm(path, { force: true });
      return undefined;
    }
    try {
      const certificate = new X509Certificate(Buffer.from(record.certificate, 'base64'));
      return { alias, certificate, tokenUrl: record.tokenUrl, clientId: record.clientId, tenantId: record.tenantId };
    } catch {
      await rm(path, { force: true });
      return undefined;
    }
  }

  async write(binding: StoredBinding, keyName: string, keySpki: Uint8Array): Promise<void> {
    await ensurePrivateDirectory(this.#directory);
    const record: Record1 = {
      version: 1,
      alias: binding.alias,
      certificate: binding.certificate.raw.toString('base64'),
      tokenUrl: binding.tokenUrl,
      clientId: binding.clientId,
      tenantId: binding.tenantId,
      keyName,
      keySpkiSha256: spkiSha256(keySpki),
    };
    const path = this.#path(binding.alias);
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(record), 'utf8');
    } finally {
      await handle.close();
    }
    await rename(temporary, path).catch(async (error: unknown) => {
      await unlink(temporary).catch(() => undefined);
      throw error;
    });
  }

  async remove(alias: string): Promise<void> {
    await rm(this.#path(alias), { force: true });
  }

  #path(alias: string): string {
    return join(this.#directory, `binding-${createHash('sha256').update(alias).digest('hex').slice(0, 32)}.json`);
  }
}
