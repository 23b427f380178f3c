import type { ImdsConfig } from './imds_options.js';

/** The identity a request names (or the system-assigned one when it names none). */
export interface SelectedIdentity {
  clientId: string;
  identityType: 'SystemAssigned' | 'UserAssigned';
}

/** Either the identity, or the IMDS error body to send with a 400. */
export type IdentitySelection = { ok: true; identity: SelectedIdentity } | { ok: false; description: string };

/**
 * Picks the identity from the query (spec §1.2): none → system-assigned; `client_id`,
 * `object_id` or `mi_res_id` → the user-assigned identity with that value. Values are compared
 * ignoring case (GUIDs and ARM ids are case-insensitive). An unknown identity is a 400, not a 404:
 * a client reads 404 on getplatformmetadata as "this VM has no IMDSv2" (§2).
 */
export function selectIdentity(query: URLSearchParams, config: ImdsConfig): IdentitySelection {
  // IMDSv2 names the resource-id selector mi_res_id; msal-python's PoC sends the v1 name (§1.2).
  // Which one real IMDS also takes is unconfirmed, so the emulator refuses the v1 name loudly.
  if (query.has('msi_res_id')) return { ok: false, description: "msi_res_id is the IMDSv1 parameter name; cred-api-version 2.0 takes mi_res_id" };
  const selectors = (['client_id', 'object_id', 'mi_res_id'] as const).filter((name) => query.has(name));
  if (selectors.length > 1) return { ok: false, description: `Only one of client_id, object_id, mi_res_id may be given; got ${selectors.join(', ')}` };
  const [selector] = selectors;
  if (selector === undefined) return { ok: true, identity: { clientId: config.systemAssigned.clientId, identityType: 'SystemAssigned' } };
  const wanted = (query.get(selector) ?? '').toLowerCase();
  const field = selector === 'client_id' ? 'clientId' : selector === 'object_id' ? 'objectId' : 'resourceId';
  const found = config.userAssigned.find((identity) => identity[field].toLowerCase() === wanted);
  if (found === undefined || wanted === '') return { ok: false, description: 'Identity not found' };
  return { ok: true, identity: { clientId: found.clientId, identityType: 'UserAssigned' } };
}
