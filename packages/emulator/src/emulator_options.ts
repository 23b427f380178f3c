import type { ApplicationRegistration } from './applications.js';
import type { ImdsOptions } from './imds_options.js';

/** Options of {@link startEmulator}. All optional. */
export interface EmulatorOptions {
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port. Default 0: an ephemeral port (read it from `emulator.port`). */
  port?: number;
  /** Directory holding `ca.pem` and `ca-key.pem`; created (key mode 0600) when they are missing. Default: a fresh CA per start. */
  caDir?: string;
  /** App registrations to start with. */
  applications?: readonly ApplicationRegistration[];
  /** `expires_in` (and token lifetime). Default 3600. */
  tokenLifetimeSeconds?: number;
  /** When set, token responses carry `refresh_in` with this value. */
  refreshInSeconds?: number;
  /** Resources that accept mTLS PoP tokens. Default: Graph, Key Vault, Storage (not ARM). */
  enrolledResources?: readonly string[];
  /** More resource hosts → the audience each requires, added to `mtlstb.graph.microsoft.com` → `https://graph.microsoft.com`; they join the server certificate. */
  resourceHosts?: Readonly<Record<string, string>>;
  /** Clock for token times and expiry checks, epoch milliseconds. Default `Date.now`. TLS uses the real clock. */
  now?: () => number;
  /**
   * Also serve the ordinary (non-mTLS) client-credentials endpoint on the `login.` hosts:
   * `POST /{tenant}/oauth2/v2.0/token` with a certificate `client_assertion` (verified against the
   * registered certificates) → a Bearer token; plus `GET /{tenant}/v2.0/.well-known/openid-configuration`
   * and `GET /common/discovery/instance`. For comparisons with Bearer clients such as msal-node. Default `false`.
   */
  bearerTokenEndpoint?: boolean;
  /**
   * Settings of the plain-HTTP IMDS listener (IMDSv2 getplatformmetadata + issuecredential),
   * which always runs on its own ephemeral port on `host`. Default: every IMDS default.
   */
  imds?: ImdsOptions;
}

/** Resources enrolled for mTLS PoP when `enrolledResources` is not given. */
export const DEFAULT_ENROLLED_RESOURCES: readonly string[] = [
  'https://graph.microsoft.com',
  'https://vault.azure.net',
  'https://storage.azure.com',
];
