import type { SelectedIdentity } from './imds_identities.js';
import type { ImdsConfig } from './imds_options.js';

/**
 * The getplatformmetadata 200 body (spec §2): camelCase, `cuId` first as in MSAL's mocks, and
 * only the cuId members that have values (an empty `vmssId` would be echoed into the CSR, §3.4).
 */
export function platformMetadata(config: ImdsConfig, identity: SelectedIdentity): Record<string, unknown> {
  return {
    cuId: { ...config.cuId },
    clientId: identity.clientId,
    tenantId: config.tenantId,
    attestationEndpoint: config.attestationEndpoint,
  };
}
