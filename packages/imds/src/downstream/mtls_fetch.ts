import { createBoundFetch, fetchScopes, invalidArgument, type MtlsFetch } from '@msal-mtls/core';
import { ManagedIdentityClient } from '../client/managed_identity_client.js';
import type { ManagedIdentityId } from '../imds/imds_endpoint.js';

/** Options of Path 2's {@link createMtlsFetch}: the client, `resource` or `scopes`, and the identity. */
export interface ManagedIdentityMtlsFetchOptions {
  client: ManagedIdentityClient;
  /** e.g. `https://graph.microsoft.com`. Or give `scopes` (one scope). */
  resource?: string;
  scopes?: readonly string[];
  /** A user-assigned identity; system-assigned when absent. */
  identity?: ManagedIdentityId;
  attestation?: boolean;
  /** Per-request timeout, milliseconds. Default 30 s. */
  timeoutMs?: number;
}

/**
 * Path 2: a `fetch` for the resource the token is for. Each call takes the managed identity's
 * token (a cache hit while valid), sets `Authorization: mtls_pop <token>` and sends the request
 * over the client's transport for the token's binding certificate (Node TLS for a software key,
 * Schannel for a CNG key). When the certificate renews, the next request gets a token bound to
 * the new one and goes over a new transport; the old transport is closed once its in-flight
 * requests settle. Same differences from global fetch as core's createMtlsFetch (https only,
 * redirects returned, bodies up to 1 MiB, MtlsErrors with codes).
 */
export function createMtlsFetch(options: ManagedIdentityMtlsFetchOptions): MtlsFetch {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'an object', options);
  const o = options as Partial<ManagedIdentityMtlsFetchOptions>;
  if (!(o.client instanceof ManagedIdentityClient)) throw invalidArgument('options.client', 'a ManagedIdentityClient', o.client);
  const client = o.client;
  const scopes = fetchScopes(o.scopes, o.resource);
  if (scopes.length !== 1) throw invalidArgument('options.scopes', 'an array of one scope (managed identity tokens are for one resource)', o.scopes);
  if (o.attestation !== undefined && typeof o.attestation !== 'boolean') throw invalidArgument('options.attestation', 'a boolean', o.attestation);
  const parameters = {
    scopes,
    ...(o.identity === undefined ? {} : { identity: o.identity }),
    attestation: o.attestation === true,
  };
  return createBoundFetch(
    {
      acquire: () => client.acquireToken(parameters),
      transportFor: (certificate) => client.createMtlsTransport(certificate),
    },
    o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs },
  );
}
