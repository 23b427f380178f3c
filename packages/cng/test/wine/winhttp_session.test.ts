/**
 * NativeSession (native/src/winhttp_session.cc) for real: Windows node.exe under Wine, WinHTTP and
 * Schannel against a strict Node mTLS server on Linux (winhttp_server.ts), with an openssl-made
 * PKI. What the server received is the ground truth; the Wine side only reports what it got back.
 * The scenarios live in wine-scripts/winhttp.cjs; each Wine process runs several of them in order.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makePki, type Pki } from './pki.js';
import { runUnderWine, wineAvailable } from './wine_harness.js';
import { startIssuer, startMtlsServer, type Issuer, type TestServer } from './winhttp_server.js';

const wine = wineAvailable() ? describe : describe.skip;

/** A promise's outcome in the Wine process: the value, or the error thrown/rejected. */
interface Settled<T = any> {
  value?: T;
  threw?: { name: string; message: string };
}

const SEC_E_UNKNOWN_CREDENTIALS = 0x8009030d;
const CERT_E_UNTRUSTEDROOT = 0x800b0109;
const CERT_E_CN_NO_MATCH = 0x800b010f;
const ERROR_BUFFER_OVERFLOW = 111;
const ERROR_INVALID_HANDLE = 6;
/** ERROR_WINHTTP_TIMEOUT (Windows) and WSAETIMEDOUT (what Wine's WinHTTP returns instead). */
const TIMEOUT_CODES = [12002, 10060];
/** ERROR_WINHTTP_SECURE_FAILURE (Windows) and ERROR_WINHTTP_SECURE_CHANNEL_ERROR (Wine, see the notes). */
const SYSTEM_TRUST_CODES = [12175, 12157];

const b64 = (bytes: Buffer): { base64: string } => ({ base64: bytes.toString('base64') });

let pki: Pki;
let pkiDir: string;

beforeAll(() => {
  pkiDir = mkdtempSync(join(tmpdir(), 'cng-winhttp-pki-'));
  pki = makePki(pkiDir);
});

afterAll(() => rmSync(pkiDir, { recursive: true, force: true }));

/** Runs scenarios in one Wine process; the client PFX is imported first and deleted last. */
async function runScenarios(server: TestServer, scenarios: string[], issuer?: Issuer): Promise<Record<string, any>> {
  const run = await runUnderWine<{ ok: boolean; value: Record<string, any> }>(
    'winhttp.cjs',
    {
      port: server.port,
      issuerUrl: issuer?.url,
      pfx: b64(pki.client.pfx),
      password: pki.client.password,
      clientSha1: pki.client.sha1,
      caDer: b64(pki.caDer),
      otherCaDer: b64(pki.otherCaDer),
      scenarios: ['import', ...scenarios, 'cleanup'],
    },
    90_000,
  );
  if (!run.result?.ok) throw new Error(`winhttp.cjs failed (status ${run.status}):\n${run.output}\n${JSON.stringify(run.result)}`);
  const results = run.result.value;
  if (results.import?.value?.ok !== true) throw new Error(`importPfx failed: ${JSON.stringify(results.import)}`);
  return results;
}

wine('server certificate checks: nothing is sent to a server the session does not trust', () => {
  let server: TestServer;
  let results: Record<string, any>;

  beforeAll(async () => {
    server = await startMtlsServer(pki);
    results = await runScenarios(server, ['otherCa', 'wrongName', 'systemTrustOnly', 'control']);
  }, 120_000);

  afterAll(() => server?.close());

  it('rejects a server whose chain ends in none of the extra roots, as a CertVerifyCertificateChainPolicy failure', () => {
    expect(results.otherCa.answer.value).toMatchObject({
      ok: false,
      api: 'CertVerifyCertificateChainPolicy',
      code: CERT_E_UNTRUSTEDROOT,
      detail: expect.stringContaining('the server certificate for localhost is not trusted'),
    });
  });

  it('rejects a certificate that does not cover serverName, with CERT_E_CN_NO_MATCH', () => {
    expect(results.wrongName.value).toMatchObject({
      ok: false,
      api: 'CertVerifyCertificateChainPolicy',
      code: CERT_E_CN_NO_MATCH,
      detail: expect.stringContaining('the server certificate for not-covered.example is not trusted'),
    });
  });

  it('leaves the decision to the system when there are no extra roots (the test CA is unknown to it)', () => {
    expect(results.systemTrustOnly.value).toMatchObject({ ok: false, api: 'WinHttpSendRequest' });
    expect(SYSTEM_TRUST_CODES).toContain(results.systemTrustOnly.value.code);
  });

  it('sends no request byte in any of those cases, although each mTLS handshake completed', () => {
    // Four handshakes, all with the client certificate authorized: the three rejected ones and the
    // control. Only the control's request reached the server; in particular the rejected POST with
    // its secret header and body never did (Wine writes it unless the connection is shut down).
    expect(server.connections).toHaveLength(4);
    expect(server.connections.every((c) => c.authorized && c.peerSubject === pki.client.commonName)).toBe(true);
    expect(server.requests.map((r) => r.url)).toEqual(['/control']);
    expect(results.control.value).toMatchObject({ ok: true, status: 200 });
  });

  // Under Wine the connection is shut down as well (winhttp_connection_abort.cc): Wine's WinHTTP
  // writes the request even after the handle is closed from the callback.
  it.todo('stops a rejected request by closing its handle from the SENDING_REQUEST callback alone (needs Windows: WinHttpCloseHandle in WINHTTP_CALLBACK_STATUS_SENDING_REQUEST)');
});

wine('NativeSession requests', () => {
  let server: TestServer;
  let issuer: Issuer;
  let results: Record<string, any>;

  beforeAll(async () => {
    server = await startMtlsServer(pki);
    issuer = await startIssuer(pki);
    results = await runScenarios(
      server,
      ['roundTrip', 'stall', 'bodyLimit', 'badArguments', 'badRoot', 'unknownThumbprint', 'closing', 'collected', 'ncryptKey', 'closedKey'],
      issuer,
    );
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await issuer?.close();
  });

  describe('a store certificate (PFX imported into CurrentUser\\My) with the test CA as extra root', () => {
    it('completes mTLS: the strict server authorized the client certificate', () => {
      const echoed = JSON.parse(results.roundTrip.first.value.bodyText);
      expect(echoed).toMatchObject({ authorized: true, peerSubject: pki.client.commonName });
    });

    it('sends the method, path and query (never the fragment), headers, user agent and body as given', () => {
      const seen = server.requests.find((r) => r.url.startsWith('/echo/one'));
      expect(seen).toMatchObject({
        method: 'POST',
        url: '/echo/one?x=1&y=two',
        body: '{"hello":"world"}',
        headers: expect.objectContaining({
          'x-test': 'first',
          'content-type': 'application/json',
          'content-length': '17',
          'user-agent': 'msal-mtls-winhttp-test/1',
        }),
      });
    });

    it('returns the status, the raw header block and the body', () => {
      const first = results.roundTrip.first.value;
      expect(first.status).toBe(200);
      expect(first.rawHeaders).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(first.rawHeaders).toContain('\r\nX-Echo: yes\r\n');
      expect(first.rawHeaders.endsWith('\r\n\r\n')).toBe(true);
      expect(JSON.parse(first.bodyText).url).toBe('/echo/one?x=1&y=two');
    });

    it('serves a second request on the same session', () => {
      expect(results.roundTrip.second.value).toMatchObject({ ok: true, status: 200 });
      expect(server.requests.find((r) => r.url === '/echo/two')).toMatchObject({ method: 'PUT', body: 'second body', authorized: true });
    });
  });

  it('fails with a timeout status when the server does not answer within timeoutMs', () => {
    const { answer, elapsedMs } = results.stall;
    expect(answer.value).toMatchObject({ ok: false, api: 'WinHttpReceiveResponse' });
    expect(TIMEOUT_CODES).toContain(answer.value.code);
    expect(elapsedMs).toBeGreaterThanOrEqual(1500);
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it('fails with ERROR_BUFFER_OVERFLOW when the body is one byte over maxBodyBytes, and returns it at exactly the limit', () => {
    expect(results.bodyLimit.over.value).toMatchObject({
      ok: false,
      api: 'WinHttpReadData',
      code: ERROR_BUFFER_OVERFLOW,
      detail: 'response body exceeds 4999 bytes',
    });
    expect(results.bodyLimit.exact.value).toMatchObject({ ok: true, status: 200, bodyLength: 5000 });
  });

  describe('bad arguments are TypeErrors and never reach the server', () => {
    const cases: Array<[string, RegExp]> = [
      ['crInValue', /headers\[0\] value must not contain CR, LF or NUL/],
      ['lfInValue', /headers\[0\] value must not contain CR, LF or NUL/],
      ['crlfInName', /headers\[0\] has an invalid header name/],
      ['colonInName', /headers\[0\] has an invalid header name/],
      ['plainHttp', /url must be an https URL/],
      ['notAUrl', /url is not a URL/],
      ['spaceInUrl', /url must not contain spaces or control characters/],
      ['methodWithSpace', /method must be an HTTP method token/],
      ['unknownKind', /certificate\.kind must be 'key' or 'store'/],
      ['rootNotBuffer', /trustedRoots\[0\] must be a Buffer/],
      ['sessionConstructor', /made by createSession/],
    ];
    it.each(cases)('%s', (name, message) => {
      const answer: Settled = results.badArguments[name];
      expect(answer.threw).toEqual({ name: 'TypeError', message: expect.stringMatching(message) });
    });

    it('(none of them reached the server)', () => {
      expect(server.requests.filter((r) => r.url.startsWith('/bad'))).toEqual([]);
    });
  });

  it('reports an extra root that is not DER as a Failure from createSession', () => {
    expect(results.badRoot.value).toMatchObject({ ok: false, api: 'CertAddEncodedCertificateToStore', detail: 'trustedRoots[0] is not a DER certificate' });
  });

  it('reports an unknown store thumbprint as the store lookup Failure', () => {
    expect(results.unknownThumbprint.value).toMatchObject({ ok: false, api: 'CertFindCertificateInStore', code: 0x80092004 });
  });

  describe('close()', () => {
    it('lets a request in flight complete', () => {
      expect(results.closing.inFlight.value).toMatchObject({ ok: true, status: 200 });
    });

    it('is idempotent, and a later request resolves with a Failure without reaching the server', () => {
      expect(results.closing.afterClose.value).toMatchObject({ ok: false, code: ERROR_INVALID_HANDLE, detail: 'the session is closed' });
      expect(server.requests.filter((r) => r.url === '/after-close')).toEqual([]);
    });

    it('keeps a request in flight going when its session object is garbage-collected meanwhile', () => {
      expect(results.collected.collectedBeforeAnswer).toBe(true);
      expect(results.collected.answer.value).toMatchObject({ ok: true, status: 200 });
    });
  });

  describe('an NCrypt key certificate ({kind: "key"})', () => {
    it('gets a CA-issued certificate for the key exported from Wine', () => {
      expect(issuer.issued).toHaveLength(1);
      expect(new X509Certificate(issuer.issued[0]).fingerprint256).toBe(results.ncryptKey.certificateSha256);
    });

    it('reports Wine\'s handshake failure as data (SEC_E_UNKNOWN_CREDENTIALS, with the key-binding note)', () => {
      expect(results.ncryptKey.answer.value).toMatchObject({
        ok: false,
        api: 'WinHttpSendRequest',
        code: SEC_E_UNKNOWN_CREDENTIALS,
        detail: expect.stringContaining('CERT_NCRYPT_KEY_HANDLE_PROP_ID'),
      });
      expect(server.requests.filter((r) => r.url === '/ncrypt')).toEqual([]);
      expect(server.connections.filter((c) => c.peerSubject?.startsWith('msal-mtls ncrypt client'))).toEqual([]);
    });

    it('reports a certificate that is not DER as a CertCreateCertificateContext Failure', () => {
      expect(results.ncryptKey.badDer.value).toMatchObject({ ok: false, api: 'CertCreateCertificateContext' });
    });

    it('refuses a closed key with a TypeError', () => {
      expect(results.closedKey.threw).toMatchObject({ name: 'TypeError' });
    });

    it.todo('completes mTLS with the NCrypt key and the server authorizes it (needs Windows: CERT_NCRYPT_KEY_HANDLE_PROP_ID)');
    it.todo('keeps working after the JS NativeKey is closed, through the session\'s lease (needs Windows: CERT_NCRYPT_KEY_HANDLE_PROP_ID)');
  });
});
