// Row 3, one fresh-process sample of Path 1: import the library, construct a client, get the first
// token. Usage (through run.mjs): node cold1.mjs ours|msal. Prints one JSON line (milliseconds).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const which = process.argv[2];
const config = JSON.parse(readFileSync(process.env.MSAL_MTLS_BENCH_CONFIG, 'utf8')); // read before any clock
const tenant = config.tenants[Number(process.env.BENCH_TENANT ?? 0)];
const scope = `${config.graph}/.default`;

const t0 = performance.now();
const lib = which === 'ours' ? await import('@msal-mtls/core') : await import('@azure/msal-node');
const t1 = performance.now();
let ok;
if (which === 'ours') {
  const client = new lib.ConfidentialClient({
    clientId: config.clientId, authority: `https://login.microsoftonline.com/${tenant}`, azureRegion: 'eastus',
    certificate: { certPem: config.certPem, keyPem: config.keyPem }, ca: config.caPem, connectTo: config.connectTo,
  });
  const t2 = performance.now();
  const result = await client.acquireToken({ scopes: [scope], mtlsProofOfPossession: true });
  ok = result.tokenSource === 'network' && result.tokenType === 'mtls_pop';
  const t3 = performance.now();
  client.close();
  report(t2, t3);
} else {
  const m = config.msal[tenant];
  const app = new lib.ConfidentialClientApplication({
    auth: {
      clientId: config.clientId, authority: m.authority, knownAuthorities: [config.loginHost],
      authorityMetadata: m.authorityMetadata, cloudDiscoveryMetadata: config.cloudDiscoveryMetadata,
      clientCertificate: { thumbprintSha256: config.thumbprintSha256Hex, privateKey: config.keyPem },
    },
  });
  const t2 = performance.now();
  const result = await app.acquireTokenByClientCredential({ scopes: [scope] });
  ok = result.fromCache === false && result.tokenType === 'Bearer';
  const t3 = performance.now();
  report(t2, t3);
}

function report(t2, t3) {
  process.stdout.write(`${JSON.stringify({ which, ok, importMs: t1 - t0, ctorMs: t2 - t1, firstCallMs: t3 - t2, firstTokenMs: t3 - t1, sinceStartMs: t3 })}\n`);
  process.exit(0); // do not wait for keep-alive sockets
}
