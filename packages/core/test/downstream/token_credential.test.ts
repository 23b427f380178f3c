import { request as httpsRequest } from 'node:https';
import { isTokenCredential, type AccessToken, type GetTokenOptions, type TokenCredential } from '@azure/core-auth';
import { emulatorApp, rejection } from '../helpers/emulator_app.js';
import { MtlsPopTokenCredential } from '../../src/downstream/mtls_pop_token_credential.js';
import { createMtlsAgent } from '../../src/downstream/mtls_agent.js';
import { readCnfThumbprint } from '../../src/pop/jwt_cnf.js';
import { x5tS256 } from '../../src/pop/thumbprint.js';
import { isMtlsError } from '../../src/errors/mtls_error.js';

// The Path 1 TokenCredential adapter against the emulator: real mTLS to the token endpoint, the
// token used the way an Azure SDK pipeline uses one (`${tokenType ?? 'Bearer'} ${token}`) on a
// connection made by createMtlsAgent, which the emulator's RFC 8705 resource checks.
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '11111111-2222-3333-4444-555555555555';
const graph = 'https://graph.microsoft.com/.default';

const app = emulatorApp({ clientId, tenantId, commonName: 'credential app', emulator: { tokenLifetimeSeconds: 3600, refreshInSeconds: 1800 } });
const client = app.client;

/** GET the emulator's resource over `agent` with `authorization`; status and the certificate the resource saw. */
function callResource(agent: import('node:https').Agent, authorization: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest('https://mtlstb.graph.microsoft.com/v1.0/me', { agent, headers: { authorization } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('MtlsPopTokenCredential', () => {
  test('is a TokenCredential by type and by @azure/core-auth\'s own run-time check', () => {
    const credential: TokenCredential = new MtlsPopTokenCredential(client());
    expect(isTokenCredential(credential)).toBe(true);
  });

  test('getToken: the client\'s mTLS PoP token as an AccessToken, bound to the certificate; then the cache', async () => {
    const credential = new MtlsPopTokenCredential(client());
    const before = Date.now();
    const token = await credential.getToken(graph);
    expect(token.tokenType).toBe('mtls_pop');
    expect(readCnfThumbprint(token.token)).toBe(app.cert.x5tS256);
    expect(token.expiresOnTimestamp).toBeGreaterThanOrEqual(before + 3600_000 - 5_000);
    expect(token.expiresOnTimestamp).toBeLessThanOrEqual(Date.now() + 3600_000 + 5_000);
    expect(token.refreshAfterTimestamp! - before).toBeGreaterThanOrEqual(1800_000 - 5_000);
    expect(token.refreshAfterTimestamp!).toBeLessThan(token.expiresOnTimestamp);
    expect(x5tS256(credential.bindingCertificate)).toBe(app.cert.x5tS256);
    expect(app.emulator.tokenRequests).toHaveLength(1);
    expect(app.emulator.tokenRequests[0]!.clientCertX5t).toBe(app.cert.x5tS256);
    // An array of scopes, as the Azure SDK passes them: the same cached token, no request.
    const again: AccessToken | null = await (credential as TokenCredential).getToken([graph]);
    expect(again).toMatchObject({ token: token.token, tokenType: 'mtls_pop' });
    expect(app.emulator.tokenRequests).toHaveLength(1);
  });

  test('as an Azure SDK pipeline uses it: header from tokenType, sent on createMtlsAgent\'s connection → 200', async () => {
    const credential: TokenCredential = new MtlsPopTokenCredential(client());
    const token = (await credential.getToken(graph, {}))!;
    const agent = createMtlsAgent(credential as MtlsPopTokenCredential);
    try {
      const ok = await callResource(agent, `${token.tokenType ?? 'Bearer'} ${token.token}`);
      expect(ok).toMatchObject({ status: 200, body: { ok: true, appid: clientId } });
      expect(app.emulator.resourceRequests.at(-1)).toMatchObject({ clientCertX5t: app.cert.x5tS256, status: 200 });
      // A plain agent (no client certificate) with the same token is refused: the binding is real.
      const plain = new (await import('node:https')).Agent({ ca: app.emulator.caPem });
      const refused = await new Promise<number>((resolve, reject) => {
        const req = httpsRequest(`https://127.0.0.1:${app.emulator.port}/v1.0/me`, { agent: plain, headers: { host: 'mtlstb.graph.microsoft.com', authorization: `mtls_pop ${token.token}` }, servername: 'mtlstb.graph.microsoft.com' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      plain.destroy();
      expect(refused).toBe(401);
      expect(app.emulator.resourceRequests.at(-1)!.reason).toBe('no_client_certificate');
      // connectTo dials the emulator (whose certificate names 127.0.0.1) for any host, but the
      // server certificate is still checked against the URL's host: a name it lacks fails.
      const misnamed = await new Promise<string>((resolve) => {
        const req = httpsRequest('https://not-in-the-certificate.example/v1.0/me', { agent }, (res) => resolve(`HTTP ${res.statusCode}`));
        req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
        req.end();
      });
      expect(misnamed).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      agent.destroy();
    }
  });

  test.each<[string, GetTokenOptions]>([
    ['a claims challenge', { claims: '{"access_token":{"nbf":{"essential":true,"value":"1"}}}' }],
    ['signed-request PoP options', { proofOfPossessionOptions: { nonce: 'n', resourceRequestMethod: 'GET', resourceRequestUrl: 'https://x' } }],
    ['another tenant', { tenantId: '00000000-0000-0000-0000-000000000001' }],
  ])('%s → ERR_MTLS_UNSUPPORTED_TOKEN_OPTION, before any request', async (_name, options) => {
    const error = await rejection(new MtlsPopTokenCredential(client()).getToken(graph, options as never));
    expect(error.code).toBe('ERR_MTLS_UNSUPPORTED_TOKEN_OPTION');
    expect(isMtlsError(error)).toBe(true);
    expect(app.emulator.tokenRequests).toHaveLength(0);
  });

  test('options it ignores or accepts: the same tenant (any case), empty claims, tracing, CAE, timeout', async () => {
    const token = await new MtlsPopTokenCredential(client()).getToken(graph, {
      tenantId: tenantId.toUpperCase(), claims: '', tracingOptions: { tracingContext: undefined }, enableCae: true, requestOptions: { timeout: 5 },
    } as never);
    expect(token.tokenType).toBe('mtls_pop');
  });

  test('abortSignal: aborted before → ERR_MTLS_ABORTED (name AbortError) and no request; aborted while waiting → rejects at once', async () => {
    const credential = new MtlsPopTokenCredential(client());
    const early = await rejection(credential.getToken(graph, { abortSignal: AbortSignal.abort() }));
    expect(early).toMatchObject({ code: 'ERR_MTLS_ABORTED', name: 'AbortError' });
    expect(app.emulator.tokenRequests).toHaveLength(0);

    app.emulator.inject({ kind: 'delay', ms: 3000 });
    const controller = new AbortController();
    const started = Date.now();
    const pending = credential.getToken(graph, { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const late = await rejection(pending);
    expect(late).toMatchObject({ code: 'ERR_MTLS_ABORTED', name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('misuse is a coded TypeError', async () => {
    expect(() => new MtlsPopTokenCredential({} as never)).toThrow(expect.objectContaining({ code: 'ERR_MTLS_INVALID_ARGUMENT' }) as Error);
    const credential = new MtlsPopTokenCredential(client());
    expect(await rejection(credential.getToken(42 as never))).toMatchObject({ code: 'ERR_MTLS_INVALID_ARGUMENT' });
    expect(await rejection(credential.getToken(graph, { abortSignal: 'soon' } as never))).toMatchObject({ code: 'ERR_MTLS_INVALID_ARGUMENT' });
  });
});
