import type { ManagedIdentityId } from '../imds/imds_endpoint.js';
import { invalidArgument } from '@msal-mtls/core';

/**
 * The cache identity of a managed identity: `system_assigned_managed_identity` (MSAL's
 * placeholder) or the user-assigned id with its kind, so a client id and an object id that happen
 * to be equal strings never share a certificate or a token.
 */
export function identityKey(identity: ManagedIdentityId | undefined): string {
  if (identity === undefined) return 'system_assigned_managed_identity';
  if ('clientId' in identity) return `client_id:${identity.clientId.toLowerCase()}`;
  if ('objectId' in identity) return `object_id:${identity.objectId.toLowerCase()}`;
  return `mi_res_id:${identity.resourceId.toLowerCase()}`;
}

/** Checks the `identity` parameter: absent (system-assigned) or exactly one of the three ids. */
export function parseIdentity(value: unknown): ManagedIdentityId | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw invalidArgument('identity', '{ clientId } | { objectId } | { resourceId }', value);
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  const [first] = entries;
  if (entries.length !== 1 || first === undefined || !['clientId', 'objectId', 'resourceId'].includes(first[0]) || typeof first[1] !== 'string' || first[1].trim() === '') {
    throw invalidArgument('identity', 'exactly one of { clientId } | { objectId } | { resourceId }, a non-empty string', value);
  }
  return { [first[0]]: first[1] } as ManagedIdentityId;
}

/**
 * The token request's scope for a resource, as MSAL.NET writes it (spec §6.1): any `/.default`
 * removed, trailing `/` trimmed, then `/.default` appended.
 */
export function resourceScope(resource: string): string {
  let base = resource.trim();
  if (base.toLowerCase().endsWith('/.default')) base = base.slice(0, -'/.default'.length);
  base = base.replace(/\/+$/, '');
  return `${base}/.default`;
}
