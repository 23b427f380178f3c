import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { ConfidentialClient } from '../client/confidential_client.js';
import { clientTls } from '../client/client_tls.js';
import { assertWithinValidity } from '../credential/binding_credential.js';
import { invalidArgument } from '../errors/argument.js';
import { MtlsError } from '../errors/mtls_error.js';
import { resolveDialTarget, type ConnectToRule } from '../transport/connect_to.js';
import { buildSecureContext } from '../transport/node_transport.js';
import { MtlsPopTokenCredential } from './mtls_pop_token_credential.js';

/** The connection-pool settings an mTLS agent takes; its TLS settings come from the client. */
export type MtlsAgentOptions = Pick<AgentOptions, 'keepAlive' | 'keepAliveMsecs' | 'maxSockets' | 'maxTotalSockets' | 'maxFreeSockets' | 'timeout' | 'scheduling'>;

/**
 * Path 1: an `https.Agent` whose connections present the client's certificate, trust the same
 * extra roots (`ca`) and follow the same `connectTo` rules, with verification on. For code that
 * takes an agent (`https.request`, axios, got, the Azure SDK's Node HTTP client); send
 * `Authorization: mtls_pop <token>` yourself (MtlsPopTokenCredential.getToken).
 *
 * Node TLS needs the private key, so a certificate whose key stays outside Node (a Windows store
 * certificate of @msal-mtls/cng, signing through CNG) cannot have an agent: that is
 * ERR_MTLS_KEY_NOT_IN_NODE, and `createMtlsFetch` is the way (it uses the client's Schannel transport).
 */
export function createMtlsAgent(source: ConfidentialClient | MtlsPopTokenCredential, options: MtlsAgentOptions = {}): Agent {
  const client = source instanceof MtlsPopTokenCredential ? source.client : source;
  const tls = client instanceof ConfidentialClient ? clientTls(client) : undefined;
  if (tls === undefined) throw invalidArgument('source', 'a ConfidentialClient or an MtlsPopTokenCredential', source);
  if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'an object (agent pool settings)', options);
  const { credential } = tls;
  if ('createTransport' in credential) {
    throw new MtlsError('ERR_MTLS_KEY_NOT_IN_NODE', { message: `The key of certificate ${credential.x5tS256} is not available to Node TLS, so no https.Agent can present it.` });
  }
  assertWithinValidity(credential, tls.now());
  return new MtlsAgent({ keepAlive: true, ...pick(options), secureContext: buildSecureContext({ credential, ca: tls.ca }) }, tls.connectTo);
}

/** An https.Agent that dials where the connect-to rules say while checking the URL's host name. */
class MtlsAgent extends Agent {
  readonly #rules: readonly ConnectToRule[];

  constructor(options: AgentOptions, rules: readonly ConnectToRule[]) {
    super(options);
    this.#rules = rules;
  }

  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const host = (options.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(options.port ?? 443);
    const target = resolveDialTarget(this.#rules, host.toLowerCase(), port);
    if (target.host === host && target.port === port) return super.createConnection(options, callback);
    // The Agent has already set servername (SNI, and the name Node verifies the server
    // certificate against) from the URL's host, so dialing elsewhere keeps the check on that name,
    // as the token transport does.
    return super.createConnection({ ...options, host: target.host, port: target.port }, callback);
  }
}

function pick(options: MtlsAgentOptions): MtlsAgentOptions {
  const out: MtlsAgentOptions = {};
  for (const name of ['keepAlive', 'keepAliveMsecs', 'maxSockets', 'maxTotalSockets', 'maxFreeSockets', 'timeout', 'scheduling'] as const) {
    if (options[name] !== undefined) (out as Record<string, unknown>)[name] = options[name];
  }
  return out;
}
