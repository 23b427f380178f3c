import { MtlsError } from '@msal-mtls/core';
import { keyProtectionLevels, type BindingKey, type KeyProtection } from './key_provider.js';
import { invalidArgument } from '@msal-mtls/core';

/** The `minimumKeyProtection` option: `'keyguard'` by default, so we fail closed like MSAL.NET (§7.5). */
export function parseKeyProtection(value: unknown, name: string): KeyProtection {
  if (value === undefined) return 'keyguard';
  if (typeof value !== 'string' || !(keyProtectionLevels as readonly string[]).includes(value)) {
    throw invalidArgument(name, `one of ${keyProtectionLevels.map((l) => `'${l}'`).join(', ')}`, value);
  }
  return value as KeyProtection;
}

export function meetsFloor(protection: KeyProtection, floor: KeyProtection): boolean {
  return keyProtectionLevels.indexOf(protection) <= keyProtectionLevels.indexOf(floor);
}

/**
 * A key below the floor is never used: the error names the level reached and why each stronger
 * level failed, so the operator can tell "no Credential Guard" from "cng not installed".
 * @see ../../../../../shared/spec/protocol.md 'Where msal-mtls deliberately differs' §3
 */
export function assertMeetsFloor(key: BindingKey, floor: KeyProtection): void {
  if (meetsFloor(key.protection, floor)) return;
  const why = key.downgrades.map((d) => `${d.level}: ${d.reason}${d.status ? ` (${d.status})` : ''}`).join('; ');
  throw new MtlsError('ERR_IMDS_KEY_PROTECTION_NOT_MET', {
    message: `The binding key reached '${key.protection}' protection, below the required minimum '${floor}'${why ? ` (${why})` : ''}.`,
  });
}
