import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfidentialClient, Logger, LogLevel, isMtlsError, x5tS256, type AcquireTokenResult, type LoggerOptions } from '@msal-mtls/core';
import { startEmulator, type ClientCertificate, type Emulator } from '@msal-mtls/emulator';
import { ManagedIdentityClient } from '@msal-mtls/imds';
import { main } from '../src/main.js';
import type { Io } from '../src/output.js';

// Secrets never leave through logs or errors: a full run of both paths against the emulator —
// cold, cached, forced, re-issued, and failing in several ways — with the logger at its most
// verbose level (PII on and off), every error message (and its causes), and the CLI's --verbose
// output, searched for every access token, any stretch of the private keys (PEM body, or base64 /
// base64url / hex of their DER at any alignment) and any stretch of the binding certificates.
// Thumbprints may appear. Also: PII logging is off by default, the key store is private, and the
// token cache never holds a key or a certificate.
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const appId = '11111111-2222-3333-4444-555555555555';
const miClientId = '00000000-1111-2222-3333-444444444444';
const graph = 'https://graph.microsoft.com';
let emu: Emulator;
let cert: ClientCertificate;
let root: string;

beforeAll(async () => {
  emu = await startEmulator({ imds: { tenantId, systemAssigned: { clientId: miClientId } } });
  cert = emu.createClientCertificate({ commonName: 'secrets app' });
  emu.registerApplication({ clientId: appId, tenantId, certificates: [cert.certPem] });
  root = mkdtempSync(join(tmpdir(), 'msal-mtls-secrets-'));
});
afterAll(async () => {
  await emu.close();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => emu.reset());

/**
 * Overlapping stretches of `bytes` (`size` bytes each, starting every size/2 bytes at each of the
 * three base64 alignments) as base64, base64url and hex: any of them in the output is a leak.
 * Stretches that are text (a certificate's subject names the client id, which tokens also carry)
 * are left out.
 */
function stretches(bytes: Buffer, size: number): string[] {
  const out = new Set<string>();
  for (let start = 0; start + size <= bytes.length; start += size / 2) {
    for (const shift of [0, 1, 2]) {
      const window = bytes.subarray(start + shift, start + shift + size);
      if (window.length < size) continue;
      const printable = window.filter((b) => b >= 0x20 && b <= 0x7e).length;
      if (printable >= size * 0.9) continue;
      out.add(window.toString('base64'));
      out.add(window.toString('base64url'));
      out.add(window.toString('hex'));
    }
  }
  return [...out];
}

interface Secrets {
  tokens: string[];
  keys: Buffer[];
  certificates: Buffer[];
}

/** What of `secrets` appears in `text`: a token or one of its payload/signature parts, a key stretch, a certificate stretch. */
function leaks(text: string, secrets: Secrets): string[] {
  const found: string[] = [];
  for (const token of secrets.tokens) {
    // The whole token, or any 28 characters of its claims or signature (the header is the same for every token).
    const [, payload = '', signature = ''] = token.split('.');
    const parts = [payload, signature].flatMap((part) => Array.from({ length: Math.max(0, Math.floor((part.length - 24) / 4) + 1) }, (_, i) => part.slice(i * 4, i * 4 + 24)));
    if (text.includes(token) || parts.some((part) => text.includes(part))) found.push(`access token ${token.slice(0, 12)}…`);
  }
  for (const der of secrets.keys) {
    if (/PRIVATE KEY/.test(text)) found.push('a PEM private key header');
    for (const stretch of stretches(der, 18)) if (text.includes(stretch)) found.push(`private key stretch ${stretch}`);
  }
  for (const der of secrets.certificates) {
    if (text.includes('BEGIN CERTIFICATE-----\n')) found.push('a PEM certificate');
    for (const stretch of stretches(der, 24)) if (text.includes(stretch)) found.push(`certificate stretch ${stretch}`);
  }
  return found;
}

/** An error's message, its causes' messages, and its own string fields (what an app would log). */
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(String(e));
    if (typeof e === 'object') parts.push(JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
  }
  return parts.join('\n');
}

interface Capture {
  lines: string[];
  piiFlags: boolean[];
  errors: unknown[];
  results: AcquireTokenResult[];
}

/** Runs `step`, keeping its result or its error. */
async function keep(capture: Capture, step: () => Promise<AcquireTokenResult>): Promise<void> {
  try {
    capture.results.push(await step());
  } catch (error) {
    capture.errors.push(error);
  }
}

/** Both paths end to end, with faults, logging into `capture`. */
async function fullRun(pii: boolean | undefined, store: string): Promise<Capture> {
  emu.reset();
  const capture: Capture = { lines: [], piiFlags: [], errors: [], results: [] };
  const logger: LoggerOptions = {
    loggerCallback: (_level, line, containsPii) => {
      capture.lines.push(line);
      capture.piiFlags.push(containsPii);
    },
    logLevel: LogLevel.Trace,
    ...(pii === undefined ? {} : { piiLoggingEnabled: pii }),
  };
  const scopes = [`${graph}/.default`];

  // Path 1
  const cc = new ConfidentialClient({
    clientId: appId, authority: `https://login.microsoftonline.com/${tenantId}`, azureRegion: 'eastus',
    certificate: { certPem: cert.certPem, keyPem: cert.keyPem }, ca: emu.caPem, connectTo: emu.connectTo, logger, sleep: async () => undefined,
  });
  await keep(capture, () => cc.acquireToken({ scopes, mtlsProofOfPossession: true }));
  await keep(capture, () => cc.acquireToken({ scopes, mtlsProofOfPossession: true }));
  await keep(capture, () => cc.acquireToken({ scopes, mtlsProofOfPossession: true, forceRefresh: true }));
  for (const fault of [
    { kind: 'cnf', x5tS256: 'q1Xs0dtXYgYAHc9Tb8PkSwN5oOh4NlUf9dg4v6d3bJ0' },
    { kind: 'tokenType', tokenType: 'Bearer' },
    { kind: 'status', status: 401, body: { error: 'invalid_client', error_description: 'AADSTS700027: bad certificate' } },
    { kind: 'omitField', field: 'expires_in' },
  ] as const) {
    emu.inject(fault);
    await keep(capture, () => cc.acquireToken({ scopes, mtlsProofOfPossession: true, forceRefresh: true }));
  }
  emu.inject({ kind: 'status', status: 503 }, { times: Infinity });
  await keep(capture, () => cc.acquireToken({ scopes, mtlsProofOfPossession: true, forceRefresh: true }));
  emu.clearFaults();
  const downstream = cc.createMtlsTransport();
  const token = capture.results[0]!.accessToken;
  const answer = await downstream.request({ method: 'GET', url: 'https://mtlstb.graph.microsoft.com/v1.0/me', headers: { authorization: `mtls_pop ${token}` } });
  expect(answer.status).toBe(200);
  downstream.close();
  cc.close();

  // Path 2, with a persisted key (so it can be searched for) and persisted certificates
  const mi = (): ManagedIdentityClient => new ManagedIdentityClient({
    imdsEndpoint: emu.imdsUrl, minimumKeyProtection: 'software', persistence: { directory: store }, ca: emu.caPem, connectTo: emu.connectTo,
    env: {}, logger, sleep: async () => undefined,
  });
  const first = mi();
  await keep(capture, () => first.acquireToken({ resource: graph }));
  await keep(capture, () => first.acquireToken({ resource: graph }));
  await keep(capture, () => first.acquireToken({ resource: graph, forceRefresh: true }));
  emu.inject({ kind: 'status', status: 401, body: { error: 'invalid_client', error_description: 'AADSTS700027: revoked' } });
  await keep(capture, () => first.acquireToken({ resource: graph, forceRefresh: true })); // re-issued once, then a token
  emu.inject({ kind: 'cnf', x5tS256: 'q1Xs0dtXYgYAHc9Tb8PkSwN5oOh4NlUf9dg4v6d3bJ0' });
  await keep(capture, () => first.acquireToken({ resource: graph, forceRefresh: true }));
  first.close();
  const restarted = mi(); // reuses the persisted certificate
  await keep(capture, () => restarted.acquireToken({ resource: graph }));
  restarted.close();
  for (const [fault, path] of [[{ kind: 'wrongKey' }, 'issuecredential'], [{ kind: 'status', status: 503 }, 'getplatformmetadata'], [{ kind: 'setField', field: 'certificate', value: 'not base64' }, 'issuecredential']] as const) {
    emu.imds.inject(fault, { path, times: Infinity });
    const fresh = new ManagedIdentityClient({
      imdsEndpoint: emu.imdsUrl, minimumKeyProtection: 'software', persistence: { directory: join(store, 'other') }, ca: emu.caPem,
      connectTo: emu.connectTo, env: {}, logger, sleep: async () => undefined,
    });
    await keep(capture, () => fresh.acquireToken({ resource: graph }));
    fresh.close();
    emu.imds.clearFaults();
  }
  return capture;
}

/** The secrets of a run: every token it got, the keys in play, every binding certificate. */
function secretsOf(capture: Capture, stores: string[]): Secrets {
  const keys = [createPrivateKey(cert.keyPem)];
  for (const store of stores) {
    for (const name of readdirSync(store)) if (name.endsWith('.pem')) keys.push(createPrivateKey(readFileSync(join(store, name), 'utf8')));
  }
  return {
    tokens: capture.results.map((r) => r.accessToken),
    keys: keys.flatMap((k) => [k.export({ type: 'pkcs8', format: 'der' }), k.export({ type: 'pkcs1', format: 'der' })]),
    certificates: [new X509Certificate(cert.certPem).raw, ...capture.results.map((r) => r.bindingCertificate.raw)],
  };
}

describe('logs and errors of a full run hold no token, key or certificate', () => {
  test.each([
    ['PII logging off (the default)', undefined],
    ['PII logging on', true],
  ])('%s', async (_name, pii) => {
    const store = join(root, `store-${pii === undefined ? 'default' : 'pii'}`);
    const capture = await fullRun(pii, store);
    const secrets = secretsOf(capture, [store, join(store, 'other')]);
    // The run did what it is meant to: tokens from both paths, and failures of several kinds.
    expect(capture.results.length).toBeGreaterThanOrEqual(7);
    expect(new Set(capture.errors.map((e) => (isMtlsError(e) ? e.code : 'untyped')))).toEqual(
      new Set(['ERR_MTLS_BINDING_MISMATCH', 'ERR_MTLS_TOKEN_TYPE_MISMATCH', 'ERR_MTLS_CLIENT_REJECTED', 'ERR_MTLS_INVALID_RESPONSE', 'ERR_MTLS_SERVICE_UNAVAILABLE', 'ERR_IMDS_INVALID_CERTIFICATE', 'ERR_IMDS_SERVICE_UNAVAILABLE']),
    );
    expect(capture.lines.some((l) => /Reusing the persisted binding certificate/.test(l))).toBe(true);
    expect(capture.lines.some((l) => /refused the binding certificate/.test(l))).toBe(true);
    expect(secrets.keys.length).toBeGreaterThanOrEqual(4); // the app's key and the persisted binding key
    // Thumbprints may appear (and do).
    expect(capture.lines.some((l) => l.includes(x5tS256(capture.results[0]!.bindingCertificate)))).toBe(true);
    expect(leaks(capture.lines.join('\n'), secrets)).toEqual([]);
    expect(leaks(capture.errors.map(errorText).join('\n'), secrets)).toEqual([]);
    if (pii !== true) expect(capture.piiFlags.every((flag) => flag === false)).toBe(true);
  });

  test('the leak detector finds what it looks for (a PEM key, a DER stretch at an odd offset, a token part, a certificate)', async () => {
    const capture = await fullRun(undefined, join(root, 'store-control'));
    const secrets = secretsOf(capture, [join(root, 'store-control')]);
    const der = secrets.keys[0]!;
    expect(leaks(cert.keyPem, secrets)).not.toEqual([]);
    expect(leaks(`x ${der.subarray(101, 140).toString('base64')} y`, secrets)).not.toEqual([]);
    expect(leaks(der.subarray(333, 360).toString('hex'), secrets)).not.toEqual([]);
    expect(leaks(`Bearer ${secrets.tokens[0]!.split('.')[1]}`, secrets)).not.toEqual([]);
    expect(leaks(`… ${secrets.tokens[0]!.split('.')[2]!.slice(50, 90)} …`, secrets)).not.toEqual([]);
    expect(leaks(secrets.certificates[1]!.subarray(200, 260).toString('base64url'), secrets)).not.toEqual([]);
    expect(leaks('x5t#S256 q1Xs0dtXYgYAHc9Tb8PkSwN5oOh4NlUf9dg4v6d3bJ0, correlation 7d5c…', secrets)).toEqual([]);
  });
});

describe('PII logging', () => {
  test('is off by default: a PII line is dropped unless piiLoggingEnabled is true', () => {
    const seen: Array<[string, boolean]> = [];
    const callback = (_l: number, line: string, pii: boolean): void => void seen.push([line, pii]);
    new Logger({ loggerCallback: callback, logLevel: LogLevel.Trace }, 'test').pii(LogLevel.Info, 'tenant 72f988bf');
    new Logger({ loggerCallback: callback, logLevel: LogLevel.Trace, piiLoggingEnabled: false }, 'test').pii(LogLevel.Info, 'tenant 72f988bf');
    expect(seen).toEqual([]);
    new Logger({ loggerCallback: callback, logLevel: LogLevel.Trace, piiLoggingEnabled: true }, 'test').pii(LogLevel.Info, 'tenant 72f988bf');
    expect(seen).toEqual([[expect.stringContaining('tenant 72f988bf'), true]]);
  });
});

describe('the CLI', () => {
  function capture(): Io & { stdout: string[]; stderr: string[] } {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
  }

  test('--verbose output of both commands holds no token, key or certificate (--json prints the token on stdout only)', async () => {
    emu.reset();
    const dir = mkdtempSync(join(root, 'cli-'));
    writeFileSync(join(dir, 'cert.pem'), cert.certPem);
    writeFileSync(join(dir, 'key.pem'), cert.keyPem, { mode: 0o600 });
    const token = ['token', '--client-id', appId, '--authority', `https://login.microsoftonline.com/${tenantId}`, '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'),
      '--scope', `${graph}/.default`, '--connect-to', emu.connectTo[0]!, '--ca', emu.caPath, '--verbose'];
    const miToken = ['mi-token', '--resource', graph, '--imds', emu.imdsUrl, '--min-key-protection', 'software', '--persist', '--connect-to', emu.connectTo[0]!, '--ca', emu.caPath, '--verbose'];
    const env = { XDG_STATE_HOME: dir };
    const runs: Array<{ io: ReturnType<typeof capture>; json: boolean }> = [];
    for (const argv of [token, miToken]) {
      for (const json of [false, true]) {
        const io = capture();
        expect(await main(json ? [...argv, '--json', '--force-refresh'] : argv, io, env)).toBe(0);
        runs.push({ io, json });
      }
    }
    emu.inject({ kind: 'cnf', x5tS256: 'q1Xs0dtXYgYAHc9Tb8PkSwN5oOh4NlUf9dg4v6d3bJ0' }, { times: Infinity });
    for (const argv of [token, miToken]) {
      const io = capture();
      expect(await main([...argv, '--force-refresh', '--json'], io, env)).toBe(1);
      runs.push({ io, json: false }); // an error's --json holds no token: search stdout too
    }
    const tokens = runs.filter((r) => r.json).map((r) => (JSON.parse(r.io.stdout.at(-1)!) as { accessToken: string }).accessToken);
    const store = join(dir, 'msal-mtls');
    const secrets: Secrets = {
      tokens,
      keys: [createPrivateKey(cert.keyPem), ...readdirSync(store).filter((n) => n.endsWith('.pem')).map((n) => createPrivateKey(readFileSync(join(store, n), 'utf8')))]
        .map((k) => k.export({ type: 'pkcs8', format: 'der' })),
      certificates: [new X509Certificate(cert.certPem).raw, ...emu.imds.issuedCertificates.map((c) => new X509Certificate(c.certPem).raw)],
    };
    expect(tokens).toHaveLength(2);
    expect(secrets.keys).toHaveLength(2);
    for (const { io, json } of runs) {
      expect(io.stderr.length).toBeGreaterThan(1); // --verbose logged
      expect(leaks(io.stderr.join('\n'), secrets)).toEqual([]);
      if (json) expect(leaks(io.stdout.join('\n'), secrets).some((l) => l.startsWith('access token'))).toBe(true); // the contract, and the detector works
      else expect(leaks(io.stdout.join('\n'), secrets)).toEqual([]);
    }
  });
});

describe('the key store and the token cache', () => {
  test('persisted keys and certificates are 0600 files in a 0700 per-user folder, whatever the umask; a loose folder is tightened', async () => {
    const state = mkdtempSync(join(root, 'state-'));
    mkdirSync(join(state, 'msal-mtls'), { mode: 0o755 });
    chmodSync(join(state, 'msal-mtls'), 0o755);
    const umask = process.umask(0);
    try {
      const client = new ManagedIdentityClient({ imdsEndpoint: emu.imdsUrl, minimumKeyProtection: 'software', persistence: true, ca: emu.caPem, connectTo: emu.connectTo, env: { XDG_STATE_HOME: state } });
      await client.acquireToken({ resource: graph });
      client.close();
    } finally {
      process.umask(umask);
    }
    const folder = join(state, 'msal-mtls');
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const files = readdirSync(folder);
    expect(files.some((f) => f.endsWith('.pem'))).toBe(true);
    expect(files.some((f) => f.endsWith('.json'))).toBe(true);
    for (const name of files) expect([name, statSync(join(folder, name)).mode & 0o777]).toEqual([name, 0o600]);
    for (const name of files.filter((f) => f.endsWith('.json'))) expect(readFileSync(join(folder, name), 'utf8')).not.toMatch(/PRIVATE KEY/);
  });

  test('serialize() of both clients’ caches holds tokens but no key and no certificate', async () => {
    const store = join(root, 'store-cache');
    const capture = await fullRun(undefined, store);
    const secrets = secretsOf(capture, [store]);
    const cc = new ConfidentialClient({
      clientId: appId, authority: `https://login.microsoftonline.com/${tenantId}`, certificate: { certPem: cert.certPem, keyPem: cert.keyPem },
      ca: emu.caPem, connectTo: emu.connectTo,
    });
    const mi = new ManagedIdentityClient({ imdsEndpoint: emu.imdsUrl, minimumKeyProtection: 'software', persistence: { directory: store }, ca: emu.caPem, connectTo: emu.connectTo, env: {} });
    const results = [await cc.acquireToken({ scopes: [`${graph}/.default`], mtlsProofOfPossession: true }), await mi.acquireToken({ resource: graph })];
    cc.close();
    mi.close();
    const text = cc.tokenCache.serialize() + mi.tokenCache.serialize();
    for (const r of results) expect(text).toContain(r.accessToken); // it is a token cache
    const found = leaks(text, { tokens: [], keys: secrets.keys, certificates: [...secrets.certificates, ...results.map((r) => r.bindingCertificate.raw)] });
    expect(found).toEqual([]);
  });
});
