import { createHash } from 'node:crypto';

/**
 * The tags MSAL.NET and msal-go put on persisted binding certificates in CurrentUser\My
 * (spec §9.3), so the three SDKs on one VM share certificates instead of asking IMDS again.
 */

const prefix = 'MSAL|';
const forbidden = /[|\r\n\0]/;

/** `MSAL|alias={alias}|ep={endpointBase}`; undefined when a value holds a character the grammar forbids. */
export function encodeFriendlyName(alias: string, endpointBase: string): string | undefined {
  if (forbidden.test(alias) || forbidden.test(endpointBase) || alias === '' || endpointBase === '') return undefined;
  return `${prefix}alias=${alias}|ep=${endpointBase}`;
}

/** The alias and endpoint of a tag; a field given twice takes the last value; anything else is not ours. */
export function decodeFriendlyName(friendlyName: string): { alias: string; endpointBase: string } | undefined {
  if (!friendlyName.startsWith(prefix)) return undefined;
  let alias: string | undefined;
  let endpointBase: string | undefined;
  for (const part of friendlyName.slice(prefix.length).split('|')) {
    const equals = part.indexOf('=');
    if (equals < 0) continue;
    const name = part.slice(0, equals);
    const value = part.slice(equals + 1);
    if (name === 'alias') alias = value;
    else if (name === 'ep') endpointBase = value;
  }
  return alias && endpointBase ? { alias, endpointBase } : undefined;
}

/** `Global\MSAL_MI_P_{first 32 lower-case hex of SHA-256(UTF-8(upper(trim(alias))))}` (without the namespace). */
export function bindingMutexName(alias: string): string {
  return `MSAL_MI_P_${createHash('sha256').update(alias.trim().toUpperCase(), 'utf8').digest('hex').slice(0, 32)}`;
}
