/**
 * Names and flags of the Windows key ladder (spec §7.2), shared with MSAL.NET and msal-go so a
 * key (and the certificates bound to it) made by one SDK on a VM is reused by the others.
 */

/** MS_KEY_STORAGE_PROVIDER: every level of the ladder uses the software KSP (VBS isolation is a flag). */
export const softwareKeyStorageProvider = 'Microsoft Software Key Storage Provider';

/** The fixed KeyGuard container (spec §7.2 row 1, §7.4): per-boot, VBS-isolated, user scope. */
export const keyGuardKeyName = 'KeyGuardRSAKey';

/** The persisted non-isolated key of the ladder's second row (MSAL.NET names it "Hardware"; it is a software KSP key). */
export const persistedKeyName = 'HardwareRSAKey';

export const ncryptOverwriteKeyFlag = 0x80;
export const ncryptUseVirtualIsolationFlag = 0x20000;
export const ncryptUsePerBootKeyFlag = 0x40000;
export const ncryptSilentFlag = 0x40;

/** NCRYPT_ALLOW_ALL_USAGES (KeyGuard row) and NCRYPT_ALLOW_SIGNING_FLAG (persisted row). */
export const keyUsageAll = 0x00ffffff;
export const keyUsageSigning = 0x2;

export const rsaKeyBits = 2048;

/** NCRYPT_USE_VIRTUAL_ISOLATION_PROPERTY / NCRYPT_USE_PER_BOOT_KEY_PROPERTY: read back to know, not to hope. */
export const virtualIsolationProperty = 'Virtual Iso';
export const perBootKeyProperty = 'Per Boot Key';

/** CreateKey HRESULT when VBS key isolation is not available (spec §7.3). */
export const vbsNotAvailableStatus = 0x80890014;
