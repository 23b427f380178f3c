// Orchestrator side: starts the bundled emulator (Bearer endpoint on, IMDSv1 and v2), registers the
// bench app in several tenants, captures the metadata msal-node would otherwise discover, and writes
// everything a worker process needs to one JSON file. Workers never import the emulator.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@msal-mtls/emulator';

export const TENANT_COUNT = 10;
export const CLIENT_ID = 'b3c4d5e6-0000-4000-8000-00000000be4c';
export const GRAPH = 'https://graph.microsoft.com';

const tenantId = (i) => `7e4a0000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function getJson(port, caPem, host, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, servername: '', path, headers: { host }, ca: caPem, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * `emulatorOptions` are added to the defaults (e.g. `refreshInSeconds` for row 6); `caDir` reuses
 * another environment's CA, so one `NODE_EXTRA_CA_CERTS` file trusts both.
 */
export async function startBenchEnvironment({ emulatorOptions = {}, caDir } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'msal-mtls-bench-'));
  const emu = await startEmulator({ caDir: caDir ?? join(dir, 'ca'), bearerTokenEndpoint: true, tokenLifetimeSeconds: 86400, ...emulatorOptions });
  const cert = emu.createClientCertificate({ commonName: 'msal-mtls-bench' });
  const tenants = Array.from({ length: TENANT_COUNT }, (_, i) => tenantId(i));
  for (const tenant of tenants) emu.registerApplication({ clientId: CLIENT_ID, tenantId: tenant, certificates: [cert.certPem] });
  const loginHost = `127.0.0.1:${emu.port}`;
  const msal = {};
  for (const tenant of tenants) {
    msal[tenant] = {
      authority: `https://${loginHost}/${tenant}`,
      authorityMetadata: JSON.stringify(await getJson(emu.port, emu.caPem, loginHost, `/${tenant}/v2.0/.well-known/openid-configuration`)),
    };
  }
  const cloudDiscoveryMetadata = JSON.stringify(await getJson(emu.port, emu.caPem, loginHost, '/common/discovery/instance?api-version=1.1'));
  const config = {
    dir,
    caDir: caDir ?? join(dir, 'ca'),
    caPath: emu.caPath,
    caPem: emu.caPem,
    port: emu.port,
    connectTo: emu.connectTo,
    imdsUrl: emu.imdsUrl,
    clientId: CLIENT_ID,
    tenants,
    certPem: cert.certPem,
    keyPem: cert.keyPem,
    thumbprintSha256Hex: createHash('sha256').update(new X509Certificate(cert.certPem).raw).digest('hex'),
    loginHost,
    msal,
    cloudDiscoveryMetadata,
    graph: GRAPH,
  };
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  return { emu, config, configPath, dir };
}
