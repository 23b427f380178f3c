import { ConfidentialClient } from '../client/confidential_client.js';
import { invalidArgument, requireObject } from '../errors/argument.js';
import { createBoundFetch, type MtlsFetch } from './bound_fetch.js';

/** Options of Path 1's {@link createMtlsFetch}: the client, and `scopes` or `resource`. */
export interface MtlsFetchOptions {
  client: ConfidentialClient;
  /** e.g. `['https://graph.microsoft.com/.default']`. Or give `resource`. */
  scopes?: readonly string[];
  /** e.g. `https://graph.microsoft.com` (becomes `<resource>/.default`). */
  resource?: string;
  /** Per-request timeout, milliseconds. Default 30 s. */
  timeoutMs?: number;
}

/**
 * Path 1: a `fetch` for the resource the token is for. Each call takes the client's token (a cache
 * hit while valid), sets `Authorization: mtls_pop <token>` and sends the request over the client's
 * own transport, which presents the binding certificate: Node TLS for a PEM/PFX/KeyObject
 * certificate, Schannel for a Windows store certificate of @msal-mtls/cng. Returns a real
 * `Response`. Differences from global fetch: https only; redirects are returned, not followed;
 * bodies are read whole (up to the transport's 1 MiB cap); failures are MtlsErrors with a code.
 *
 * @example
 * const fetch = createMtlsFetch({ client, scopes: ['https://graph.microsoft.com/.default'] });
 * const me = await (await fetch('https://mtlstb.graph.microsoft.com/v1.0/me')).json();
 * fetch.close();
 */
export function createMtlsFetch(options: MtlsFetchOptions): MtlsFetch {
  const o = requireObject('options', options) as Partial<MtlsFetchOptions>;
  if (!(o.client instanceof ConfidentialClient)) throw invalidArgument('options.client', 'a ConfidentialClient', o.client);
  const client = o.client;
  const scopes = fetchScopes(o.scopes, o.resource);
  return createBoundFetch(
    {
      acquire: () => client.acquireToken({ scopes, mtlsProofOfPossession: true }),
      transportFor: () => client.createMtlsTransport(),
    },
    o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs },
  );
}

/** `scopes`, or `resource` as its `/.default` scope; exactly one of them. */
export function fetchScopes(scopes: unknown, resource: unknown): readonly string[] {
  if ((scopes === undefined) === (resource === undefined)) throw invalidArgument('options', 'either scopes or resource', { scopes, resource });
  if (resource !== undefined) {
    if (typeof resource !== 'string' || resource.trim() === '') throw invalidArgument('options.resource', 'a non-empty string', resource);
    const base = resource.trim().replace(/\/\.default$/i, '').replace(/\/+$/, '');
    return Object.freeze([`${base}/.default`]);
  }
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => typeof s === 'string')) {
    throw invalidArgument('options.scopes', 'a non-empty array of scope strings', scopes);
  }
  return Object.freeze([...(scopes as string[])]);
}
