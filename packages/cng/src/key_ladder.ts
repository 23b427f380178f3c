import { createHash, randomUUID } from 'node:crypto';
import { CngKey, type KeyDowngrade } from './cng_key.js';
import { describeStatus } from './errors/cng_error.js';
import type { Failure, NativeBinding, NativeKey } from './native_binding.js';
import {
  keyGuardKeyName, keyUsageAll, keyUsageSigning, ncryptOverwriteKeyFlag, ncryptSilentFlag, ncryptUsePerBootKeyFlag,
  ncryptUseVirtualIsolationFlag, persistedKeyName, rsaKeyBits, softwareKeyStorageProvider, vbsNotAvailableStatus, virtualIsolationProperty,
} from './key_names.js';

type Attempt = { key: NativeKey; created: boolean } | { failure: KeyDowngrade };

/** Which levels to try; `lowest` stops the ladder early (no key below the caller's floor is made). */
export interface KeyLadderOptions {
  lowest?: 'keyguard' | 'software' | 'in-memory';
  /** The random container name of the in-memory level (tests pass their own). */
  inMemoryName?: string;
}

/**
 * The Windows key ladder (spec §7.2, §7.3): KeyGuard (VBS-isolated, per boot) → a persisted
 * software key → an in-memory key. Each level is checked by what the key reports about itself,
 * never by a call that merely returned success (Wine, and some Windows builds, accept the
 * isolation flags without isolating). Every level above the one reached says why it failed.
 */
export async function openBindingKey(binding: NativeBinding, options: KeyLadderOptions = {}): Promise<CngKey | KeyDowngrade[]> {
  const downgrades: KeyDowngrade[] = [];
  const keyGuard = await tryKeyGuard(binding);
  if ('key' in keyGuard) return new CngKey(binding, keyGuard.key, 'keyguard', downgrades, keyGuard.created);
  downgrades.push(keyGuard.failure);
  downgrades.push({ level: 'hardware', reason: 'not tried: as in MSAL.NET, the ladder has no TPM (Platform Crypto Provider) level' });
  if (options.lowest === 'keyguard') return downgrades;

  const persisted = await tryPersisted(binding);
  if ('key' in persisted) return new CngKey(binding, persisted.key, 'software', downgrades, persisted.created);
  downgrades.push(persisted.failure);
  if (options.lowest === 'software') return downgrades;

  const inMemory = await tryInMemory(binding, options.inMemoryName ?? `MSAL-MTLS-${randomUUID().replace(/-/g, '')}`);
  if ('key' in inMemory) return new CngKey(binding, inMemory.key, 'in-memory', downgrades, true);
  downgrades.push(inMemory.failure);
  return downgrades;
}

/** Open KeyGuardRSAKey if it is alive and isolated, else create it; verify isolation either way. */
async function tryKeyGuard(binding: NativeBinding): Promise<Attempt> {
  const opened = await binding.openKey({ provider: softwareKeyStorageProvider, name: keyGuardKeyName, flags: ncryptSilentFlag });
  if (opened.ok) {
    if ((await isAlive(opened.key)) && isolation(opened.key) === true) return { key: opened.key, created: false };
    opened.key.close();
  }
  let lastReason = '';
  let lastStatus: string | undefined;
  // Create, and recreate once if the new key does not report isolation (spec §7.3 step 4).
  for (let attempt = 0; attempt < 2; attempt++) {
    const created = await binding.createKey({
      provider: softwareKeyStorageProvider,
      name: keyGuardKeyName,
      flags: ncryptOverwriteKeyFlag | ncryptUseVirtualIsolationFlag | ncryptUsePerBootKeyFlag,
      length: rsaKeyBits,
      keyUsage: keyUsageAll,
      exportPolicy: 0,
    });
    if (!created.ok) {
      const reason = created.code === vbsNotAvailableStatus ? 'VBS key isolation is not available on this machine' : 'the KeyGuard key could not be created';
      return { failure: { level: 'keyguard', reason: `${reason} (${describeStatus(created)})`, status: created.hex } };
    }
    const isolated = isolation(created.key);
    if (isolated === true) return { key: created.key, created: true };
    created.key.close();
    lastReason = isolated === false ? `the key was created but its '${virtualIsolationProperty}' property says it is not VBS-isolated` : `the key was created but Windows does not report it VBS-isolated (${describeStatus(isolated)})`;
    lastStatus = isolated === false ? undefined : isolated.hex;
  }
  return { failure: { level: 'keyguard', reason: lastReason, ...(lastStatus === undefined ? {} : { status: lastStatus }) } };
}

/** Open HardwareRSAKey or create it; a key that cannot be reopened by name is not persisted. */
async function tryPersisted(binding: NativeBinding): Promise<Attempt> {
  const opened = await binding.openKey({ provider: softwareKeyStorageProvider, name: persistedKeyName, flags: ncryptSilentFlag });
  if (opened.ok) {
    if (await isAlive(opened.key)) return { key: opened.key, created: false };
    opened.key.close();
  }
  const created = await binding.createKey({ provider: softwareKeyStorageProvider, name: persistedKeyName, flags: ncryptOverwriteKeyFlag, length: rsaKeyBits, keyUsage: keyUsageSigning, exportPolicy: 0 });
  if (!created.ok) return { failure: { level: 'software', reason: `the persisted key could not be created (${describeStatus(created)})`, status: created.hex } };
  const reopened = await binding.openKey({ provider: softwareKeyStorageProvider, name: persistedKeyName, flags: ncryptSilentFlag });
  if (!reopened.ok) {
    created.key.close();
    return { failure: { level: 'software', reason: `the key was created but could not be reopened by name, so it is not persisted (${describeStatus(reopened)})`, status: reopened.hex } };
  }
  reopened.key.close();
  return { key: created.key, created: true };
}

/**
 * A key for this process only. Named, because Schannel reopens a client key by container name
 * and cannot use an unnamed one (spec §7.2 row 3); deleted when the provider lets it go.
 */
async function tryInMemory(binding: NativeBinding, name: string): Promise<Attempt> {
  const created = await binding.createKey({ provider: softwareKeyStorageProvider, name, flags: ncryptOverwriteKeyFlag, length: rsaKeyBits, exportPolicy: 0 });
  if (created.ok) return { key: created.key, created: true };
  const ephemeral = await binding.createKey({ provider: softwareKeyStorageProvider, name: null, flags: 0, length: rsaKeyBits, exportPolicy: 0 });
  if (ephemeral.ok) return { key: ephemeral.key, created: true };
  return { failure: { level: 'in-memory', reason: `no key could be created (${describeStatus(ephemeral)})`, status: ephemeral.hex } };
}

/** Per-boot keys keep their name after a reboot but cannot sign: probe with one signature (spec §7.3 step 2). */
async function isAlive(key: NativeKey): Promise<boolean> {
  const digest = createHash('sha256').update(Buffer.from([0])).digest();
  const signed = await key.sign(digest, { padding: 'pss', hash: 'SHA256', saltLength: 32 });
  return signed.ok;
}

/** The key's own answer: true (isolated), false (property says no) or the status of the failed read. */
function isolation(key: NativeKey): boolean | Failure {
  const property = key.getProperty(virtualIsolationProperty);
  if (!property.ok) return property;
  return property.value.length > 0 && property.value[0] !== 0;
}
