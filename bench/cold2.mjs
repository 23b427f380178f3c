// Row 4, one fresh-process sample of Path 2.
//   node cold2.mjs ours DIR   cold: metadata → key → CSR → issuance → token, timed per step (persistence in DIR)
//   node cold2.mjs warm DIR   restart with the key and binding certificate persisted in DIR
//   node cold2.mjs floor      the same requests bare (node:http / node:https) + one RSA-2048 keygen
// Prints one JSON line (milliseconds).
import { constants, generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';

const [which, dir] = process.argv.slice(2);
const config = JSON.parse(readFileSync(process.env.MSAL_MTLS_BENCH_CONFIG, 'utf8'));

if (which === 'ours' || which === 'warm') {
  const t0 = performance.now();
  const imds = await import('@msal-mtls/imds');
  const t1 = performance.now();
  const marks = [];
  const client = new imds.ManagedIdentityClient({
    imdsEndpoint: config.imdsUrl, minimumKeyProtection: 'software', persistence: { directory: dir },
    ca: config.caPem, connectTo: config.connectTo,
  });
  const result = await client.acquireToken({ resource: config.graph, onStep: (step) => marks.push([step, performance.now()]) });
  const t2 = performance.now();
  const steps = {};
  let previous = t1;
  for (const [step, at] of marks) { steps[`before:${step}`] = at - previous; previous = at; }
  // Each step's duration = time from its start to the next step's start (the last one to the end).
  const durations = {};
  for (let i = 0; i < marks.length; i++) durations[marks[i][0]] = (i + 1 < marks.length ? marks[i + 1][1] : t2) - marks[i][1];
  client.close();
  process.stdout.write(`${JSON.stringify({ which, ok: result.tokenSource === 'network', importMs: t1 - t0, totalMs: t2 - t1, preStepMs: marks.length ? marks[0][1] - t1 : t2 - t1, steps: durations })}\n`);
  process.exit(0);
} else {
  // The floor: the same four round trips and one keygen with nothing around them. The CSR comes
  // from @msal-mtls/imds's buildCsr (imported before the clock: the emulator checks the CSR), so
  // its PSS signature (~1 ms) is inside the floor too.
  const { buildCsr } = await import('@msal-mtls/imds');
  // The CSR encoder (asn1js + pkijs) loads lazily; load it before the clock, so the floor's csr
  // step is the encoding and the signature only, not our module loading.
  const warm = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const warmSpki = warm.publicKey.export({ type: 'spki', format: 'der' });
  await buildCsr({ tenantId: 't', clientId: 'c', cuId: { vmId: 'v' }, signer: { publicKeySpki: () => warmSpki, sign: async (data) => sign('sha256', data, { key: warm.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }) } });
  const base = new URL(config.imdsUrl);
  const get = (path) => call(httpRequest, { host: base.hostname, port: base.port, path, headers: { metadata: 'true' } });
  const t0 = performance.now();
  const meta = JSON.parse(await get('/metadata/identity/getplatformmetadata?cred-api-version=2.0'));
  const t1 = performance.now();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const t2 = performance.now();
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const csr = await buildCsr({
    tenantId: meta.tenantId, clientId: meta.clientId, cuId: meta.cuId,
    signer: { publicKeySpki: () => spki, sign: async (data) => sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }) },
  });
  const t3 = performance.now();
  const body = JSON.stringify({ csr: csr.base64 });
  const issued = JSON.parse(await call(httpRequest, { host: base.hostname, port: base.port, method: 'POST', path: '/metadata/identity/issuecredential?cred-api-version=2.0', headers: { metadata: 'true', 'content-type': 'application/json' } }, body));
  const t4 = performance.now();
  const certPem = new X509Certificate(Buffer.from(issued.certificate, 'base64')).toString();
  const host = new URL(issued.mtls_authentication_endpoint).host;
  const form = new URLSearchParams({ client_id: issued.client_id, scope: `${config.graph}/.default`, grant_type: 'client_credentials', token_type: 'mtls_pop' }).toString();
  const token = JSON.parse(await call(httpsRequest, {
    host: '127.0.0.1', port: config.port, servername: host, method: 'POST', path: `/${issued.tenant_id}/oauth2/v2.0/token`,
    headers: { host, 'content-type': 'application/x-www-form-urlencoded' }, ca: config.caPem, cert: certPem, key: privateKey.export({ type: 'pkcs8', format: 'pem' }), agent: false,
  }, form));
  const t5 = performance.now();
  process.stdout.write(`${JSON.stringify({ which, ok: token.token_type === 'mtls_pop', totalMs: t5 - t0, steps: { metadata: t1 - t0, key: t2 - t1, csr: t3 - t2, issuance: t4 - t3, token: t5 - t4 } })}\n`);
  process.exit(0);
}

function call(request, options, body) {
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`HTTP ${res.statusCode} ${Buffer.concat(chunks)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}
