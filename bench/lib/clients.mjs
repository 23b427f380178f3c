// Worker side: reads the bench config and builds the clients the same way for every scenario.
import { readFileSync } from 'node:fs';

export function loadConfig() {
  const path = process.env.MSAL_MTLS_BENCH_CONFIG;
  if (!path) throw new Error('MSAL_MTLS_BENCH_CONFIG is not set: run the bench through run.mjs');
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Our Path 1 client for `tenant`; pass `tokenCache` to share one cache between tenants. */
export function ourConfidentialClient(core, config, tenant, tokenCache) {
  return new core.ConfidentialClient({
    clientId: config.clientId,
    authority: `https://login.microsoftonline.com/${tenant}`,
    azureRegion: 'eastus',
    certificate: { certPem: config.certPem, keyPem: config.keyPem },
    ca: config.caPem,
    connectTo: config.connectTo,
    ...(tokenCache === undefined ? {} : { tokenCache }),
  });
}

/** msal-node's confidential client for `tenant`: certificate credential, metadata given (no discovery request). */
export function msalConfidentialClient(msalNode, config, tenant) {
  const m = config.msal[tenant];
  return new msalNode.ConfidentialClientApplication({
    auth: {
      clientId: config.clientId,
      authority: m.authority,
      knownAuthorities: [config.loginHost],
      authorityMetadata: m.authorityMetadata,
      cloudDiscoveryMetadata: config.cloudDiscoveryMetadata,
      clientCertificate: { thumbprintSha256: config.thumbprintSha256Hex, privateKey: config.keyPem },
    },
  });
}

/** Our Path 2 client against the emulator's IMDSv2 (software key, as on Linux). */
export function ourManagedIdentityClient(imds, config, extra = {}) {
  return new imds.ManagedIdentityClient({
    imdsEndpoint: config.imdsUrl,
    minimumKeyProtection: extra.persistence ? 'software' : 'in-memory',
    ca: config.caPem,
    connectTo: config.connectTo,
    ...extra,
  });
}
