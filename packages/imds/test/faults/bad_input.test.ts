import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfidentialClient, TokenCache, isMtlsError, loadBindingCredential, type ConfidentialClientOptions, type ErrorCode } from '@msal-mtls/core';
import { createClientCertificate, startEmulator, type ClientCertificate, type Emulator } from '@msal-mtls/emulator';
import { buildCsr } from '../../src/csr.js';
import { ManagedIdentityClient, type ManagedIdentityClientOptions } from '../../src/client/managed_identity_client.js';
import { SoftwareKeyProvider } from '../../src/key/software_key_provider.js';

// Bad input from the caller at every public entry point: a typed error (a TypeError/RangeError
// with code ERR_MTLS_INVALID_ARGUMENT for misuse, an MtlsError for an unusable credential or
// authority) before any network call. Every client here is pointed at the emulator, and after each
// case the emulator must have seen no token request, no IMDS request and no TLS handshake.
// (packages/core/test/client/preflight.test.ts and imds/test/csr.test.ts hold more of the same
// without a server; the cases here are the gaps and one of each kind per entry point.)
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '11111111-2222-3333-4444-555555555555';
const graphScope = 'https://graph.microsoft.com/.default';
const passphrase = 'pfx-secret-passphrase';
const invalid: ErrorCode = 'ERR_MTLS_INVALID_ARGUMENT';

let emu: Emulator;
// Certificates made synchronously, so the tables below can name them; the dated ones need the
// emulator's CA and are made in beforeAll.
const cert: ClientCertificate = createClientCertificate({ commonName: 'bad-input app' });
const other: ClientCertificate = createClientCertificate({ commonName: 'another app' });
const dir = mkdtempSync(join(tmpdir(), 'msal-mtls-bad-input-'));
writeFileSync(join(dir, 'cert.pem'), cert.certPem);
writeFileSync(join(dir, 'key.pem'), cert.keyPem, { mode: 0o600 });
execFileSync('openssl', ['pkcs12', '-export', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'cert.pem'), '-out', join(dir, 'cert.pfx'), '-passout', `pass:${passphrase}`], { stdio: 'ignore' });
const pfx = readFileSync(join(dir, 'cert.pfx'));
const encryptedKeyPem = createPrivateKey(cert.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
/** The certificate with its key's algorithm OID changed: OpenSSL parses it, but cannot decode its public key. */
const undecodableKeyPem = ((): string => {
  const der = new X509Certificate(cert.certPem).raw;
  der[der.indexOf(Buffer.from('2a864886f70d0101010500', 'hex')) + 8] = 0x07;
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
})();
const dated: { expired?: { certPem: string; keyPem: string }; notYetValid?: { certPem: string; keyPem: string } } = {};
const key = new SoftwareKeyProvider();

beforeAll(async () => {
  emu = await startEmulator();
  emu.registerApplication({ clientId, tenantId, certificates: [cert.certPem] });
  // Real CA-signed certificates outside their validity window, each with its own key.
  const issue = (notBefore: number, notAfter: number): { certPem: string; keyPem: string } => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const issued = emu.ca.issueCertificate({
      subjectPublicKeySpki: pair.publicKey.export({ type: 'spki', format: 'der' }),
      subject: 'dated app', notBefore: new Date(notBefore), notAfter: new Date(notAfter), extKeyUsage: ['clientAuth'],
    });
    return { certPem: issued.certPem, keyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
  };
  const day = 86_400_000;
  dated.expired = issue(Date.now() - 30 * day, Date.now() - day);
  dated.notYetValid = issue(Date.now() + day, Date.now() + 30 * day);
});
afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => emu.reset());

const good = (): ConfidentialClientOptions => ({
  clientId,
  authority: `https://login.microsoftonline.com/${tenantId}`,
  azureRegion: 'eastus',
  certificate: { certPem: cert.certPem, keyPem: cert.keyPem },
  ca: emu.caPem,
  connectTo: emu.connectTo,
});
const goodMi = (): ManagedIdentityClientOptions => ({
  imdsEndpoint: emu.imdsUrl, minimumKeyProtection: 'in-memory', keyProvider: key, ca: emu.caPem, connectTo: emu.connectTo, env: {},
});

/** Runs `call` (sync throw or rejected promise) and returns what it threw; fails when it did not. */
async function thrown(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a typed error, but the call succeeded');
}

/** The error is typed with `code`, says what is wrong in a message, leaks no secret; the emulator saw nothing. */
async function expectTyped(call: () => unknown, code: ErrorCode): Promise<void> {
  const error = await thrown(call);
  if (code === invalid) {
    expect(error).toBeInstanceOf(Error);
    expect(['TypeError', 'RangeError']).toContain((error as Error).name);
    expect(error).toHaveProperty('code', invalid);
  } else {
    expect(isMtlsError(error)).toBe(true);
    expect(error).toHaveProperty('code', code);
  }
  const message = (error as Error).message;
  expect(message.length).toBeGreaterThan(20);
  expect(message).not.toContain(passphrase);
  // No key or certificate material (the fix text may name the PEM header; it never quotes a body).
  for (const pem of [cert.keyPem, cert.certPem, other.keyPem, encryptedKeyPem]) expect(message).not.toContain(pemBody(pem).slice(64, 128));
  expect({ token: emu.tokenRequests.length, imds: emu.imds.requests.length, handshakes: emu.stats.tlsHandshakes }).toEqual({ token: 0, imds: 0, handshakes: 0 });
}

type Case = [string, () => unknown, ErrorCode];

function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----|\s/g, '');
}

describe('ConfidentialClient constructor', () => {
  const make = (override: Record<string, unknown>) => () => new ConfidentialClient({ ...good(), ...override } as ConfidentialClientOptions);
  const certificate = (value: unknown) => make({ certificate: value });
  const cases: Case[] = [
    ['options undefined', () => new ConfidentialClient(undefined as never), invalid],
    ['options a string', () => new ConfidentialClient('clientId' as never), invalid],
    ['options an array', () => new ConfidentialClient([] as never), invalid],
    ['clientId missing', make({ clientId: undefined }), invalid],
    ['clientId empty', make({ clientId: '' }), invalid],
    ['clientId blank', make({ clientId: '   ' }), invalid],
    ['clientId a number', make({ clientId: 42 }), invalid],
    ['clientId with a line break', make({ clientId: `${clientId}\r\nx: y` }), invalid],
    ['authority missing', make({ authority: undefined }), invalid],
    ['authority empty', make({ authority: '' }), invalid],
    ['authority an object', make({ authority: new URL(`https://login.microsoftonline.com/${tenantId}`) }), invalid],
    ['authority not a URL', make({ authority: `login.microsoftonline.com/${tenantId}` }), 'ERR_MTLS_INVALID_AUTHORITY'],
    ['authority plain words', make({ authority: 'my tenant' }), 'ERR_MTLS_INVALID_AUTHORITY'],
    ['authority over http', make({ authority: `http://login.microsoftonline.com/${tenantId}` }), 'ERR_MTLS_INVALID_AUTHORITY'],
    ['authority ftp', make({ authority: `ftp://login.microsoftonline.com/${tenantId}` }), 'ERR_MTLS_INVALID_AUTHORITY'],
    ['authority without a tenant', make({ authority: 'https://login.microsoftonline.com/' }), 'ERR_MTLS_INVALID_AUTHORITY'],
    ['authority with a query', make({ authority: `https://login.microsoftonline.com/${tenantId}?x=1` }), 'ERR_MTLS_INVALID_AUTHORITY'],
    ['authority with credentials', make({ authority: `https://u:p@login.microsoftonline.com/${tenantId}` }), 'ERR_MTLS_INVALID_AUTHORITY'],
    ['authority /common', make({ authority: 'https://login.microsoftonline.com/common' }), 'ERR_MTLS_TENANTLESS_AUTHORITY'],
    ['authority on a non-login host', make({ authority: `https://example.com/${tenantId}` }), 'ERR_MTLS_UNSUPPORTED_HOST'],
    ['azureRegion a number', make({ azureRegion: 1 }), invalid],
    ['azureRegion empty', make({ azureRegion: '' }), 'ERR_MTLS_INVALID_REGION'],
    ['azureRegion with a dot', make({ azureRegion: 'eastus.evil.com' }), 'ERR_MTLS_INVALID_REGION'],
    ['azureRegion 100 letters', make({ azureRegion: 'a'.repeat(100) }), 'ERR_MTLS_INVALID_REGION'],
    ['certificate missing (secret only)', make({ certificate: undefined, clientSecret: 'a secret' }), 'ERR_MTLS_CERTIFICATE_REQUIRED'],
    ['certificate a PEM string', certificate(cert.certPem), invalid],
    ['certificate {}', certificate({}), invalid],
    ['certPem a number', certificate({ certPem: 42, keyPem: cert.keyPem }), invalid],
    ['keyPem missing', certificate({ certPem: cert.certPem }), invalid],
    ['certPem empty', certificate({ certPem: '', keyPem: cert.keyPem }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['certPem cut in half', certificate({ certPem: cert.certPem.slice(0, cert.certPem.length / 2), keyPem: cert.keyPem }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['certPem with a damaged body', certificate({ certPem: cert.certPem.replace(/\n[A-Za-z0-9+/]{10}/, '\nAAAAAAAAAA'), keyPem: cert.keyPem }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['keyPem cut in half', certificate({ certPem: cert.certPem, keyPem: cert.keyPem.slice(0, 200) }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['keyPem that is a certificate', certificate({ certPem: cert.certPem, keyPem: cert.certPem }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['an encrypted key without its passphrase', certificate({ certPem: cert.certPem, keyPem: encryptedKeyPem }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['an encrypted key with a wrong passphrase', certificate({ certPem: cert.certPem, keyPem: encryptedKeyPem, passphrase: 'wrong' }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['a passphrase that is a number', certificate({ certPem: cert.certPem, keyPem: encryptedKeyPem, passphrase: 1234 }), invalid],
    ['a key that does not match the certificate', certificate({ certPem: cert.certPem, keyPem: other.keyPem }), 'ERR_MTLS_KEY_MISMATCH'],
    ['a certificate whose public key cannot be decoded', certificate({ certPem: undecodableKeyPem, keyPem: cert.keyPem }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['an expired certificate', () => certificate(dated.expired)(), 'ERR_MTLS_CERTIFICATE_EXPIRED'],
    ['a not-yet-valid certificate', () => certificate(dated.notYetValid)(), 'ERR_MTLS_CERTIFICATE_NOT_YET_VALID'],
    ['a PFX with a wrong passphrase', certificate({ pfx, passphrase: 'wrong' }), 'ERR_MTLS_PFX_BAD_PASSPHRASE'],
    ['a PFX without its passphrase', certificate({ pfx }), 'ERR_MTLS_PFX_BAD_PASSPHRASE'],
    ['a PFX cut in half', certificate({ pfx: pfx.subarray(0, pfx.length / 2), passphrase }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['a PFX of random bytes', certificate({ pfx: Buffer.from('3082ffff0201033082', 'hex'), passphrase }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['an empty PFX', certificate({ pfx: new Uint8Array(0) }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['a PFX given as PEM text', certificate({ pfx: Buffer.from(cert.certPem), passphrase }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['a PFX given as a path', certificate({ pfx: join(dir, 'cert.pfx'), passphrase }), invalid],
    ['key a public KeyObject', certificate({ key: new X509Certificate(cert.certPem).publicKey, chain: [cert.certPem] }), invalid],
    ['key a PEM string', certificate({ key: cert.keyPem, chain: [cert.certPem] }), invalid],
    ['chain empty', certificate({ key: createPrivateKey(cert.keyPem), chain: [] }), invalid],
    ['chain of junk', certificate({ key: createPrivateKey(cert.keyPem), chain: ['junk'] }), 'ERR_MTLS_INVALID_CERTIFICATE'],
    ['key of another certificate', certificate({ key: createPrivateKey(other.keyPem), chain: [new X509Certificate(cert.certPem)] }), 'ERR_MTLS_KEY_MISMATCH'],
    ['ca a number', make({ ca: 42 }), invalid],
    ['ca not PEM', make({ ca: 'hello' }), invalid],
    ['ca PEM armour around junk', make({ ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }), invalid],
    ['ca list with a number', make({ ca: [42] }), invalid],
    ['connectTo a string', make({ connectTo: '::127.0.0.1:1' }), invalid],
    ['connectTo rule malformed', make({ connectTo: ['nope'] }), invalid],
    ['connectTo port out of range', make({ connectTo: ['::127.0.0.1:99999'] }), invalid],
    ['logger a number', make({ logger: 42 }), invalid],
    ['loggerCallback not a function', make({ logger: { loggerCallback: 'console.log' } }), invalid],
    ['logLevel out of range', make({ logger: { logLevel: 9 } }), invalid],
    ['piiLoggingEnabled a string', make({ logger: { piiLoggingEnabled: 'yes' } }), invalid],
    ['cachePlugin without hooks', make({ cachePlugin: {} }), invalid],
    ['tokenCache not a TokenCache', make({ tokenCache: {} }), invalid],
    ['requestTimeoutMs zero', make({ requestTimeoutMs: 0 }), invalid],
    ['requestTimeoutMs fractional', make({ requestTimeoutMs: 1.5 }), invalid],
    ['requestTimeoutMs a string', make({ requestTimeoutMs: '100' }), invalid],
    ['now not a function', make({ now: 42 }), invalid],
    ['sleep not a function', make({ sleep: 'wait' }), invalid],
  ];
  test.each(cases)('%s', (_name, call, code) => expectTyped(call, code));
});

describe('ConfidentialClient.acquireToken', () => {
  const acquire = (parameters: unknown) => () => {
    const client = new ConfidentialClient(good());
    return client.acquireToken(parameters as never).finally(() => client.close());
  };
  const scopes = (value: unknown) => acquire({ scopes: value, mtlsProofOfPossession: true });
  const cases: Case[] = [
    ['parameters undefined', acquire(undefined), invalid],
    ['parameters a string', acquire(graphScope), invalid],
    ['mtlsProofOfPossession missing', acquire({ scopes: [graphScope] }), invalid],
    ['mtlsProofOfPossession "true"', acquire({ scopes: [graphScope], mtlsProofOfPossession: 'true' }), invalid],
    ['scopes missing', scopes(undefined), invalid],
    ['scopes a string', scopes(graphScope), invalid],
    ['scopes empty', scopes([]), invalid],
    ['a scope empty', scopes(['']), invalid],
    ['a scope blank', scopes(['   ']), invalid],
    ['a scope a number', scopes([42]), invalid],
    ['a scope with a space inside', scopes(['https://graph.microsoft.com/.default openid']), invalid],
    ['a huge scopes list (100 000)', scopes(Array.from({ length: 100_000 }, (_, i) => `https://r${i}.example/.default`)), invalid],
    ['a scope of 1 MB', scopes([`https://graph.microsoft.com/${'a'.repeat(1024 * 1024)}`]), invalid],
    ['correlationId empty', acquire({ scopes: [graphScope], mtlsProofOfPossession: true, correlationId: '' }), invalid],
    ['correlationId a number', acquire({ scopes: [graphScope], mtlsProofOfPossession: true, correlationId: 7 }), invalid],
    ['correlationId with CR LF', acquire({ scopes: [graphScope], mtlsProofOfPossession: true, correlationId: 'a\r\nx-evil: 1' }), invalid],
    ['correlationId of 10 000 characters', acquire({ scopes: [graphScope], mtlsProofOfPossession: true, correlationId: 'a'.repeat(10_000) }), invalid],
    ['forceRefresh "yes"', acquire({ scopes: [graphScope], mtlsProofOfPossession: true, forceRefresh: 'yes' }), invalid],
  ];
  test.each(cases)('%s', (_name, call, code) => expectTyped(call, code));
});

describe('ConfidentialClient.createMtlsTransport().request', () => {
  const request = (req: unknown) => () => {
    const transport = new ConfidentialClient(good()).createMtlsTransport();
    return transport.request(req as never).finally(() => transport.close());
  };
  const cases: Case[] = [
    ['url not a URL', request({ method: 'GET', url: 'graph', headers: {} }), invalid],
    ['url over http', request({ method: 'GET', url: 'http://mtlstb.graph.microsoft.com/v1.0/me', headers: {} }), 'ERR_MTLS_INVALID_AUTHORITY'],
    ['method TRACE', request({ method: 'TRACE', url: 'https://mtlstb.graph.microsoft.com/', headers: {} }), invalid],
    ['a header value with CR LF', request({ method: 'GET', url: 'https://mtlstb.graph.microsoft.com/', headers: { authorization: 'mtls_pop x\r\nhost: evil' } }), invalid],
    ['a header name with a space', request({ method: 'GET', url: 'https://mtlstb.graph.microsoft.com/', headers: { 'bad name': 'x' } }), invalid],
    ['timeoutMs negative', request({ method: 'GET', url: 'https://mtlstb.graph.microsoft.com/', headers: {}, timeoutMs: -1 }), invalid],
    ['request null', request(null), invalid],
  ];
  test.each(cases)('%s', (_name, call, code) => expectTyped(call, code));
});

describe('ManagedIdentityClient constructor', () => {
  const make = (override: Record<string, unknown>) => () => new ManagedIdentityClient({ ...goodMi(), ...override } as ManagedIdentityClientOptions);
  const cases: Case[] = [
    ['options a string', () => new ManagedIdentityClient('imds' as never), invalid],
    ['imdsEndpoint empty', make({ imdsEndpoint: '' }), invalid],
    ['imdsEndpoint not a URL', make({ imdsEndpoint: '169.254.169.254' }), invalid],
    ['imdsEndpoint ftp', make({ imdsEndpoint: 'ftp://169.254.169.254' }), invalid],
    ['imdsEndpoint with credentials', make({ imdsEndpoint: 'http://u:p@169.254.169.254' }), invalid],
    ['AZURE_POD_IDENTITY_AUTHORITY_HOST not a URL', make({ imdsEndpoint: undefined, env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: 'nope' } }), invalid],
    ['minimumKeyProtection unknown', make({ minimumKeyProtection: 'tpm' }), invalid],
    ['minimumKeyProtection a number', make({ minimumKeyProtection: 1 }), invalid],
    ['ca not PEM', make({ ca: 'hello' }), invalid],
    ['ca a number', make({ ca: 42 }), invalid],
    ['ca PEM armour around junk', make({ ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }), invalid],
    ['connectTo malformed', make({ connectTo: ['nope'] }), invalid],
    ['keyProvider without getKey', make({ keyProvider: {} }), invalid],
    ['attestationProvider without attest', make({ attestationProvider: { attest: 'yes' } }), invalid],
    ['tokenCache not a TokenCache', make({ tokenCache: new Map() }), invalid],
    ['cachePlugin without hooks', make({ cachePlugin: { beforeCacheAccess: () => undefined } }), invalid],
    ['persistence a string', make({ persistence: 'yes' }), invalid],
    ['persistence directory empty', make({ persistence: { directory: '' } }), invalid],
    ['imdsTimeoutMs zero', make({ imdsTimeoutMs: 0 }), invalid],
    ['requestTimeoutMs negative', make({ requestTimeoutMs: -5 }), invalid],
    ['now not a function', make({ now: Date.now() }), invalid],
    ['sleep not a function', make({ sleep: 1000 }), invalid],
    ['env not an object', make({ env: 'production' }), invalid],
    ['logger with a bad level', make({ logger: { logLevel: -1 } }), invalid],
  ];
  test.each(cases)('%s', (_name, call, code) => expectTyped(call, code));
});

describe('ManagedIdentityClient.acquireToken and createMtlsTransport', () => {
  const acquire = (parameters: unknown) => () => {
    const client = new ManagedIdentityClient(goodMi());
    return client.acquireToken(parameters as never).finally(() => client.close());
  };
  const resource = 'https://graph.microsoft.com';
  const cases: Case[] = [
    ['parameters null', acquire(null), invalid],
    ['parameters a string', acquire(resource), invalid],
    ['resource empty', acquire({ resource: '' }), invalid],
    ['resource blank', acquire({ resource: '  ' }), invalid],
    ['resource a number', acquire({ resource: 42 }), invalid],
    ['resource with a space', acquire({ resource: 'https://graph microsoft com' }), invalid],
    ['resource of 1 MB', acquire({ resource: `https://graph.microsoft.com/${'a'.repeat(1024 * 1024)}` }), invalid],
    ['resource and scopes', acquire({ resource, scopes: [`${resource}/.default`] }), invalid],
    ['two scopes', acquire({ scopes: [`${resource}/.default`, 'https://vault.azure.net/.default'] }), invalid],
    ['a huge scopes list', acquire({ scopes: Array.from({ length: 100_000 }, () => `${resource}/.default`) }), invalid],
    ['identity a string', acquire({ resource, identity: 'client-id' }), invalid],
    ['identity {}', acquire({ resource, identity: {} }), invalid],
    ['identity with two ids', acquire({ resource, identity: { clientId: 'a', objectId: 'b' } }), invalid],
    ['identity clientId empty', acquire({ resource, identity: { clientId: '' } }), invalid],
    ['identity clientId that smuggles a parameter', acquire({ resource, identity: { clientId: 'a&api-version=1' } }), invalid],
    ['identity of an unknown kind', acquire({ resource, identity: { principalId: 'a' } }), invalid],
    ['correlationId with CR LF', acquire({ resource, correlationId: 'a\r\nb' }), invalid],
    ['forceRefresh "yes"', acquire({ resource, forceRefresh: 'yes' }), invalid],
    ['attestation 1', acquire({ resource, attestation: 1 }), invalid],
    ['onStep not a function', acquire({ resource, onStep: 'print' }), invalid],
    ['createMtlsTransport with a PEM string', () => new ManagedIdentityClient(goodMi()).createMtlsTransport(cert.certPem as never), invalid],
    ['createMtlsTransport with a certificate for another key', () => new ManagedIdentityClient(goodMi()).createMtlsTransport(new X509Certificate(other.certPem)), invalid],
    ['createMtlsTransport with a certificate whose key cannot be decoded', () => new ManagedIdentityClient(goodMi()).createMtlsTransport(new X509Certificate(undecodableKeyPem)), invalid],
  ];
  test.each(cases)('%s', (_name, call, code) => expectTyped(call, code));
});

describe('buildCsr, loadBindingCredential, TokenCache.deserialize', () => {
  const signer = { publicKeySpki: () => new Uint8Array(0), sign: async () => new Uint8Array(256) };
  const entry = (over: Record<string, unknown>) =>
    JSON.stringify({ version: 1, partitions: { p: { s: { accessToken: 'a', tokenType: 'mtls_pop', expiresOn: 2_000_000_000, scopes: ['s'], x5tS256: 't', correlationId: 'c', ...over } } } });
  const deserialize = (text: unknown) => () => new TokenCache().deserialize(text as string);
  const cases: Case[] = [
    ['buildCsr(null)', () => buildCsr(null as never), invalid],
    ['buildCsr with a non-PrintableString client id', () => buildCsr({ clientId: 'clïent', tenantId: 't', cuId: { vmId: 'v' }, signer }), invalid],
    ['buildCsr with an empty cuId', () => buildCsr({ clientId: 'c', tenantId: 't', cuId: {}, signer }), invalid],
    ['buildCsr with a signer whose key is not SPKI', () => buildCsr({ clientId: 'c', tenantId: 't', cuId: { vmId: 'v' }, signer }), invalid],
    ['loadBindingCredential(null)', () => loadBindingCredential(null, Date.now()), invalid],
    ['loadBindingCredential with a clock that is not a number', () => loadBindingCredential({ certPem: cert.certPem, keyPem: cert.keyPem }, NaN), invalid],
    ['loadBindingCredential with a mismatched key', () => loadBindingCredential({ certPem: cert.certPem, keyPem: other.keyPem }, Date.now()), 'ERR_MTLS_KEY_MISMATCH'],
    ['loadBindingCredential with a wrong PFX passphrase', () => loadBindingCredential({ pfx, passphrase: 'nope' }, Date.now()), 'ERR_MTLS_PFX_BAD_PASSPHRASE'],
    ['deserialize(undefined)', deserialize(undefined), 'ERR_MTLS_CACHE_FORMAT'],
    ['deserialize(42)', deserialize(42), 'ERR_MTLS_CACHE_FORMAT'],
    ['deserialize("")', deserialize(''), 'ERR_MTLS_CACHE_FORMAT'],
    ['deserialize of text that is not JSON', deserialize('{version:1'), 'ERR_MTLS_CACHE_FORMAT'],
    ['deserialize of another version', deserialize('{"version":2,"partitions":{}}'), 'ERR_MTLS_CACHE_FORMAT'],
    ['deserialize of a partition that is a string', deserialize('{"version":1,"partitions":{"p":"x"}}'), 'ERR_MTLS_CACHE_FORMAT'],
    ['deserialize of a token without accessToken', deserialize(entry({ accessToken: undefined })), 'ERR_MTLS_CACHE_FORMAT'],
    ['deserialize of an expiresOn that is a string', deserialize(entry({ expiresOn: '2000000000' })), 'ERR_MTLS_CACHE_FORMAT'],
    ['deserialize of an expiresOn past what a Date holds', deserialize(entry({ expiresOn: 1e300 })), 'ERR_MTLS_CACHE_FORMAT'],
    ['deserialize of an expiresOn of 1e400 (Infinity)', deserialize(entry({ expiresOn: 1 }).replace('"expiresOn":1', '"expiresOn":1e400')), 'ERR_MTLS_CACHE_FORMAT'],
    ['deserialize of scopes that are not strings', deserialize(entry({ scopes: [1] })), 'ERR_MTLS_CACHE_FORMAT'],
  ];
  test.each(cases)('%s', (_name, call, code) => expectTyped(call, code));

  test('a deserialize that fails leaves the cache as it was', () => {
    const cache = new TokenCache();
    cache.deserialize(entry({}), 1_900_000_000_000);
    expect(cache.size).toBe(1);
    expect(() => cache.deserialize(entry({ expiresOn: 1e300 }))).toThrow(expect.objectContaining({ code: 'ERR_MTLS_CACHE_FORMAT' }));
    expect(cache.size).toBe(1);
  });
});

test('the good inputs used above do work against the emulator (the cases are not failing for another reason)', async () => {
  const client = new ConfidentialClient(good());
  const result = await client.acquireToken({ scopes: [graphScope], mtlsProofOfPossession: true });
  client.close();
  expect(result.tokenType).toBe('mtls_pop');
  const pfxClient = new ConfidentialClient({ ...good(), certificate: { pfx, passphrase } });
  expect(pfxClient.bindingCertificate.raw.equals(new X509Certificate(cert.certPem).raw)).toBe(true);
  expect(new ConfidentialClient({ ...good(), certificate: { certPem: cert.certPem, keyPem: encryptedKeyPem, passphrase } }).bindingCertificate.subject).toContain('bad-input app');
  const mi = new ManagedIdentityClient(goodMi());
  expect((await mi.acquireToken({ resource: 'https://graph.microsoft.com' })).tokenType).toBe('mtls_pop');
  mi.close();
  expect(emu.tokenRequests).toHaveLength(2);
});
