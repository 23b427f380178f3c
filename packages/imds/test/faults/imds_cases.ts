/**
 * IMDS faults (spec §1.5 retry policy, §1.3 Server header, §2 metadata, §5.2–5.3 issuance) and
 * what the managed-identity client must make of each: success after the retries the policy
 * allows, with exactly the policy's waits, or a typed error naming the cause.
 */
import type { ImdsFault, ImdsFaultPath } from '@msal-mtls/emulator';
import type { ManagedIdentityClientOptions } from '../../src/client/managed_identity_client.js';
import type { ErrorCode } from '@msal-mtls/core';
import { closedPort, type Expected, type FaultCase } from './harness.js';

export type MiCase = FaultCase<Partial<ManagedIdentityClientOptions>>;

/** ImdsRetryPolicy (§1.5): 3 retries, 1 s, 2 s, 4 s. */
const exponential = [1000, 2000, 4000];
/** After a first 410: 7 retries, 10 s each. */
const gone = Array.from({ length: 7 }, () => 10_000);
const tenMb = 10 * 1024 * 1024;

const success = { kind: 'success' } as const;
export const fails = (code: ErrorCode, mentions?: RegExp, fields?: Record<string, unknown>): Expected =>
  ({ kind: 'error', code, ...(mentions ? { mentions } : {}), ...(fields ? { fields } : {}) });

const at = (path: ImdsFaultPath, fault: ImdsFault, times = 1) => (emu: Parameters<MiCase['inject']>[0]): void => void emu.imds.inject(fault, { path, times });
const always = Infinity;

function transportCases(): MiCase[] {
  return [
    {
      name: 'connection refused (nothing listens at the IMDS address)',
      inject: async () => ({ imdsEndpoint: `http://127.0.0.1:${await closedPort()}` }),
      expect: fails('ERR_IMDS_UNREACHABLE', /could not reach IMDS .*4 attempts.*ECONNREFUSED/),
      waits: exponential,
      recovers: false,
    },
    { name: 'connection dropped before any answer, once', inject: at('getplatformmetadata', { kind: 'destroySocket' }), expect: success, waits: [1000] },
    {
      name: 'connection dropped before any answer, throughout',
      inject: at('issuecredential', { kind: 'destroySocket' }, always),
      expect: fails('ERR_IMDS_UNREACHABLE', /issuecredential.*4 attempts/),
      waits: exponential,
    },
    { name: 'reset mid-body (TCP RST), once', inject: at('getplatformmetadata', { kind: 'resetMidBody' }), expect: success, waits: [1000] },
    {
      name: 'reset mid-body (TCP RST), throughout',
      inject: at('issuecredential', { kind: 'resetMidBody' }, always),
      expect: fails('ERR_IMDS_UNREACHABLE', /issuecredential.*4 attempts/),
      waits: exponential,
    },
    { name: 'body cut short (Content-Length not reached), once', inject: at('issuecredential', { kind: 'truncate' }), expect: success, waits: [1000] },
    {
      name: 'body cut short, throughout',
      inject: at('getplatformmetadata', { kind: 'truncate' }, always),
      expect: fails('ERR_IMDS_UNREACHABLE', /body was complete/),
      waits: exponential,
    },
    {
      name: 'stall past the per-attempt timeout, once',
      inject: (emu) => {
        emu.imds.inject({ kind: 'delay', ms: 1000 }, { path: 'getplatformmetadata' });
        return { imdsTimeoutMs: 150 };
      },
      expect: success,
      waits: [1000],
    },
    {
      name: 'stall past the per-attempt timeout, throughout',
      inject: (emu) => {
        emu.imds.inject({ kind: 'delay', ms: 1000 }, { path: 'issuecredential', times: always });
        return { imdsTimeoutMs: 150 };
      },
      expect: fails('ERR_IMDS_TIMEOUT', /did not answer within 150 ms \(4 attempts\)/),
      waits: exponential,
    },
  ];
}

function statusCases(): MiCase[] {
  const cases: MiCase[] = [];
  for (const status of [500, 502, 503, 504]) {
    cases.push({ name: `HTTP ${status} once (getplatformmetadata)`, inject: at('getplatformmetadata', { kind: 'status', status }), expect: success, waits: [1000] });
    cases.push({
      name: `HTTP ${status} throughout (issuecredential)`,
      inject: at('issuecredential', { kind: 'status', status }, always),
      expect: fails('ERR_IMDS_SERVICE_UNAVAILABLE', new RegExp(`Status code: ${status}`), { status }),
      waits: exponential,
    });
  }
  const retryAfterDate = (): string => new Date(Date.now() + 5000).toUTCString();
  cases.push(
    { name: '429 without Retry-After, twice', inject: at('getplatformmetadata', { kind: 'status', status: 429 }, 2), expect: success, waits: [1000, 2000] },
    { name: '429 with Retry-After: 3 (seconds)', inject: at('getplatformmetadata', { kind: 'status', status: 429, headers: { 'retry-after': '3' } }), expect: success, waits: [3000] },
    {
      name: '429 with Retry-After as an HTTP-date 5 s ahead',
      inject: (emu) => void emu.imds.inject({ kind: 'status', status: 429, headers: { 'retry-after': retryAfterDate() } }, { path: 'issuecredential' }),
      expect: success,
      waits: (waits) => {
        expect(waits).toHaveLength(1);
        expect(waits[0]).toBeGreaterThanOrEqual(3000);
        expect(waits[0]).toBeLessThanOrEqual(5000);
      },
    },
    { name: '429 with a Retry-After of an hour: capped at 60 s', inject: at('getplatformmetadata', { kind: 'status', status: 429, headers: { 'retry-after': '3600' } }), expect: success, waits: [60_000] },
    {
      name: '429 with Retry-After: 2 throughout',
      inject: at('getplatformmetadata', { kind: 'status', status: 429, headers: { 'retry-after': '2' } }, always),
      expect: fails('ERR_IMDS_SERVICE_UNAVAILABLE', /Status code: 429/, { status: 429, retryAfterSeconds: 2 }),
      waits: [2000, 2000, 4000],
    },
    { name: '503 with Retry-After: 5', inject: at('issuecredential', { kind: 'status', status: 503, headers: { 'retry-after': '5' } }), expect: success, waits: [5000] },
    { name: '404 twice during IMDS start-up (getplatformmetadata)', inject: at('getplatformmetadata', { kind: 'status', status: 404 }, 2), expect: success, waits: [1000, 2000] },
    {
      name: '404 throughout (getplatformmetadata): no IMDSv2 here',
      inject: at('getplatformmetadata', { kind: 'status', status: 404 }, always),
      expect: fails('ERR_IMDS_V2_NOT_SUPPORTED', /404 after 4 attempts/),
      waits: exponential,
    },
    { name: '410 three times during IMDS start-up', inject: at('getplatformmetadata', { kind: 'status', status: 410 }, 3), expect: success, waits: [10_000, 10_000, 10_000] },
    {
      name: '410 throughout: 7 retries 10 s apart',
      inject: at('getplatformmetadata', { kind: 'status', status: 410 }, always),
      expect: fails('ERR_IMDS_SERVICE_UNAVAILABLE', /Status code: 410/, { status: 410 }),
      waits: gone,
    },
    { name: '404 once (issuecredential)', inject: at('issuecredential', { kind: 'status', status: 404 }), expect: success, waits: [1000] },
    {
      name: '404 throughout (issuecredential) is not "no IMDSv2"',
      inject: at('issuecredential', { kind: 'status', status: 404 }, always),
      expect: fails('ERR_IMDS_REQUEST_FAILED', /issuecredential failed due to HTTP error\. Status code: 404/, { status: 404 }),
      waits: exponential,
    },
    { name: '410 once (issuecredential)', inject: at('issuecredential', { kind: 'status', status: 410 }), expect: success, waits: [10_000] },
    {
      name: '400 (issuecredential) is not retried',
      inject: at('issuecredential', { kind: 'status', status: 400, body: { error: 'invalid_request', error_description: 'CSR rejected' } }),
      expect: fails('ERR_IMDS_REQUEST_FAILED', /Status code: 400 Body: .*CSR rejected/, { status: 400, error: 'invalid_request' }),
      waits: [],
    },
    {
      name: 'a redirect is never followed',
      inject: at('issuecredential', { kind: 'redirect', location: 'http://127.0.0.1:1/elsewhere' }),
      expect: fails('ERR_IMDS_REDIRECT_REFUSED', /307 to http:\/\/127\.0\.0\.1:1\/elsewhere/),
      waits: [],
    },
    {
      name: 'no Server: IMDS header on the metadata answer',
      inject: at('getplatformmetadata', { kind: 'missingServerHeader' }),
      expect: fails('ERR_IMDS_INVALID_SERVER_HEADER', /no 'Server' header/),
      waits: [],
    },
  );
  return cases;
}

function bodyCases(): MiCase[] {
  const cases: MiCase[] = [
    { name: 'a 10 MB metadata body (Content-Length)', inject: at('getplatformmetadata', { kind: 'oversizedBody', bytes: tenMb }), expect: fails('ERR_IMDS_RESPONSE_TOO_LARGE', /over 1048576 bytes/), waits: [] },
    { name: 'a 10 MB issuance body (chunked)', inject: at('issuecredential', { kind: 'oversizedBody', bytes: tenMb, chunked: true }), expect: fails('ERR_IMDS_RESPONSE_TOO_LARGE'), waits: [] },
  ];
  for (const [label, body] of [['invalid JSON', '{"clientId":'], ['a JSON array', '[]'], ['JSON null', 'null'], ['an empty body', '']] as const) {
    cases.push({
      name: `metadata 200 with ${label}`,
      inject: at('getplatformmetadata', { kind: 'status', status: 200, body }),
      expect: fails('ERR_IMDS_INVALID_METADATA', /not a JSON object/),
      waits: [],
    });
    cases.push({
      name: `issuance 200 with ${label}`,
      inject: at('issuecredential', { kind: 'status', status: 200, body }),
      expect: fails('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', /not a JSON object/),
      waits: [],
    });
  }
  for (const field of ['clientId', 'tenantId', 'cuId', 'attestationEndpoint']) {
    cases.push({
      name: `metadata without ${field}`,
      inject: at('getplatformmetadata', { kind: 'omitField', field }),
      expect: fails('ERR_IMDS_INVALID_METADATA', new RegExp(`'${field}'`)),
      waits: [],
    });
  }
  const metadataWrongTypes: Array<[string, unknown, RegExp]> = [
    ['clientId', true, /'clientId'/],
    ['clientId', { id: 'x' }, /'clientId'/],
    ['tenantId', ['t'], /'tenantId'/],
    ['tenantId', '  ', /'tenantId'/],
    ['cuId', 'vm-1', /'cuId'/],
    ['cuId', {}, /'cuId' has neither/],
    ['cuId', { vmId: true }, /'cuId\.vmId' is not a string/],
    ['attestationEndpoint', 42, /'attestationEndpoint'/],
    ['attestationEndpoint', 'not a url', /'attestationEndpoint'/],
  ];
  for (const [field, value, mentions] of metadataWrongTypes) {
    cases.push({
      name: `metadata ${field} = ${JSON.stringify(value)}`,
      inject: at('getplatformmetadata', { kind: 'setField', field, value }),
      expect: fails('ERR_IMDS_INVALID_METADATA', mentions),
      waits: [],
    });
  }
  for (const field of ['client_id', 'tenant_id', 'certificate', 'identity_type', 'mtls_authentication_endpoint']) {
    cases.push({
      name: `issuance without ${field}`,
      inject: at('issuecredential', { kind: 'omitField', field }),
      expect: fails('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', new RegExp(`'${field}' is missing`)),
      waits: [],
    });
    cases.push({
      name: `issuance ${field} = 42`,
      inject: at('issuecredential', { kind: 'setField', field, value: 42 }),
      expect: fails('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', new RegExp(`'${field}' is missing, empty or not a string`)),
      waits: [],
    });
  }
  cases.push(
    { name: 'issuance tenant_id that is not a tenant', inject: at('issuecredential', { kind: 'setField', field: 'tenant_id', value: '../admin' }), expect: fails('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', /'tenant_id'/), waits: [] },
    {
      name: 'issuance names a plain-http token endpoint',
      inject: at('issuecredential', { kind: 'setField', field: 'mtls_authentication_endpoint', value: 'http://eastus.mtlsauth.microsoft.com' }),
      expect: fails('ERR_IMDS_INSECURE_TOKEN_ENDPOINT', /not an absolute https URL/),
      waits: [],
    },
  );
  return cases;
}

function certificateCases(): MiCase[] {
  const cert = (value: unknown): ImdsFault => ({ kind: 'setField', field: 'certificate', value });
  return [
    { name: 'a certificate that is not base64', inject: at('issuecredential', cert('MIIC not base64!')), expect: fails('ERR_IMDS_INVALID_CERTIFICATE', /not canonical base64/), waits: [] },
    { name: 'a certificate that is base64 but not DER', inject: at('issuecredential', cert(Buffer.from('hello, certificate').toString('base64'))), expect: fails('ERR_IMDS_INVALID_CERTIFICATE', /not an X\.509 DER certificate/), waits: [] },
    {
      name: 'a certificate sent as PEM text',
      inject: at('issuecredential', cert('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----')),
      expect: fails('ERR_IMDS_INVALID_CERTIFICATE', /not canonical base64/),
      waits: [],
    },
    {
      name: 'a certificate with bytes after the DER',
      inject: async (emu) => {
        // A real CA-signed certificate for another key, with junk appended.
        const other = emu.createClientCertificate({ commonName: 'x' });
        const der = Buffer.from(other.certPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
        emu.imds.inject(cert(Buffer.concat([der, Buffer.from([0, 0, 0])]).toString('base64')), { path: 'issuecredential' });
      },
      expect: fails('ERR_IMDS_INVALID_CERTIFICATE', /bytes after the DER certificate/),
      waits: [],
    },
    {
      name: 'a certificate whose public key cannot be decoded',
      inject: (emu) => {
        // A real certificate whose SubjectPublicKeyInfo names another algorithm: it parses, its key does not.
        const der = Buffer.from(emu.createClientCertificate({ commonName: 'x' }).certPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
        const rsaEncryption = der.indexOf(Buffer.from('2a864886f70d0101010500', 'hex'));
        der[rsaEncryption + 8] = 0x07;
        emu.imds.inject(cert(der.toString('base64')), { path: 'issuecredential' });
      },
      expect: fails('ERR_IMDS_INVALID_CERTIFICATE', /public key that cannot be read/),
      waits: [],
    },
    { name: 'a certificate for another key', inject: at('issuecredential', { kind: 'wrongKey' }), expect: fails('ERR_IMDS_INVALID_CERTIFICATE', /not issued for our key/), waits: [] },
    { name: 'an expired certificate', inject: at('issuecredential', { kind: 'expired' }), expect: fails('ERR_IMDS_INVALID_CERTIFICATE', /has expired/), waits: [] },
    { name: 'a not-yet-valid certificate', inject: at('issuecredential', { kind: 'notYetValid' }), expect: fails('ERR_IMDS_INVALID_CERTIFICATE', /not valid yet/), waits: [] },
  ];
}

/** Every IMDS fault case of the acquisition path. */
export function imdsCases(): MiCase[] {
  return [...transportCases(), ...statusCases(), ...bodyCases(), ...certificateCases()];
}

/** Faults met by the IMDSv2 probe (getCapabilities): it reports, never throws. */
export interface ProbeCase {
  name: string;
  inject(emu: Parameters<MiCase['inject']>[0]): Partial<ManagedIdentityClientOptions> | void | Promise<Partial<ManagedIdentityClientOptions> | void>;
  available: boolean;
  reason: RegExp;
  waits: readonly number[];
}

export function probeCases(): ProbeCase[] {
  return [
    { name: 'probe: 500 once, then the 400 that means IMDSv2', inject: at('getplatformmetadata', { kind: 'status', status: 500 }), available: true, reason: /HTTP 400/, waits: [1000] },
    { name: 'probe: 404 is an answer, not retried', inject: at('getplatformmetadata', { kind: 'status', status: 404 }, always), available: false, reason: /HTTP 404 after 1 attempt/, waits: [] },
    { name: 'probe: connection refused', inject: async () => ({ imdsEndpoint: `http://127.0.0.1:${await closedPort()}` }), available: false, reason: /connection failed after 4 attempts/, waits: exponential },
    { name: 'probe: a 10 MB answer', inject: at('getplatformmetadata', { kind: 'oversizedBody', bytes: tenMb }), available: false, reason: /over 1048576 bytes/, waits: [] },
    {
      name: 'probe: stalls past the timeout',
      inject: (emu) => {
        emu.imds.inject({ kind: 'delay', ms: 1000 }, { path: 'getplatformmetadata', times: always });
        return { imdsTimeoutMs: 100 };
      },
      available: false,
      reason: /no answer within 100 ms after 4 attempts/,
      waits: exponential,
    },
  ];
}
