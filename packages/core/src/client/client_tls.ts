import type { BindingCredential } from '../credential/binding_credential.js';
import type { ExternalKeyCredential } from '../credential/external_key_certificate.js';
import type { ConnectToRule } from '../transport/connect_to.js';

/** What a ConfidentialClient's TLS is made of: the credential, the extra roots, the routing. */
export interface ClientTls {
  readonly credential: BindingCredential | ExternalKeyCredential;
  readonly ca: readonly string[];
  readonly connectTo: readonly ConnectToRule[];
  readonly now: () => number;
}

/**
 * Kept beside the client, not on it: createMtlsAgent needs the private key, and a public getter
 * for it on the client would invite logging or serialising it.
 */
const registry = new WeakMap<object, ClientTls>();

export function registerClientTls(client: object, tls: ClientTls): void {
  registry.set(client, tls);
}

export function clientTls(client: object): ClientTls | undefined {
  return registry.get(client);
}
