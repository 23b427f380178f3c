// Row 7, one sample in a fresh process (no connection, no TLS session yet): 100 token requests on
// one client and one certificate, each forcing a refresh (ours: forceRefresh: true; msal-node:
// skipCache: true), one after another. run.mjs reads the emulator's TLS handshake counters around
// the process. Usage: node handshakes.mjs ours|msal [count]
import { loadConfig, msalConfidentialClient, ourConfidentialClient } from './lib/clients.mjs';

const which = process.argv[2];
const count = Number(process.argv[3] ?? 100);
const config = loadConfig();
const graphScope = `${config.graph}/.default`;
const tenant = config.tenants[0];
const now = process.hrtime.bigint;

let call;
let isNetwork;
if (which === 'ours') {
  const core = await import('@msal-mtls/core');
  const client = ourConfidentialClient(core, config, tenant);
  const params = { scopes: [graphScope], mtlsProofOfPossession: true, forceRefresh: true };
  call = () => client.acquireToken(params);
  isNetwork = (r) => r.tokenSource === 'network';
} else {
  const msalNode = await import('@azure/msal-node');
  const app = msalConfidentialClient(msalNode, config, tenant);
  const params = { scopes: [graphScope], skipCache: true };
  call = () => app.acquireTokenByClientCredential(params);
  isNetwork = (r) => r.fromCache === false;
}
const times = [];
let network = 0;
for (let i = 0; i < count; i++) {
  const start = now();
  const r = await call();
  times.push(Number(now() - start));
  if (isNetwork(r)) network++;
}
process.stdout.write(`${JSON.stringify({ which, count, network, times })}\n`);
process.exit(0); // do not wait for keep-alive sockets
