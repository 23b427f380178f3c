import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import * as fc from 'fast-check';
import { isMtlsError } from '@msal-mtls/core';
import { createCertificateAuthority } from '@msal-mtls/emulator';
import { parseIssuanceResponse } from '../../src/imds/issuance_response.js';
import { parsePlatformMetadata } from '../../src/imds/metadata.js';
import { parseRetryAfterMs } from '../../src/imds/retry_after.js';
import { codedError, fuzz, timed } from './settings.js';

// IMDS answers are bytes from the network (a plain-HTTP link-local service, or whatever sits at
// its address). Whatever they are, parsing ends in checked values or a coded ServerError.
let certificateBase64: string;

beforeAll(async () => {
  // A real CA-signed certificate, as IMDS issues them, to put in otherwise random answers.
  const ca = await createCertificateAuthority();
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();
  certificateBase64 = ca.issueCertificate({
    subjectPublicKeySpki: publicKey.export({ type: 'spki', format: 'der' }), subject: '00000000-1111-2222-3333-444444444444',
    notBefore: new Date(now - 60_000), notAfter: new Date(now + 86_400_000), extKeyUsage: ['clientAuth'],
  }).der.toString('base64');
});

const text = fc.oneof(fc.uuid(), fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('', '  ', '\t'));
const anyJson = fc.jsonValue({ maxDepth: 2 });
const member = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: fc.double() });
const url = fc.oneof(fc.webUrl(), fc.constantFrom('https://sharedeus2.eus2.attest.azure.net', 'http://x', ' https://x', 'not a url', 'https://', 'file:///etc/passwd'), fc.string({ maxLength: 30 }));
const noise = fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 });
/** Bytes of a body: an object near the expected shape (members right, wrong or absent), or not JSON at all. */
const bytesOf = (object: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Buffer> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(noise, object).map(([n, o]) => Buffer.from(JSON.stringify({ ...n, ...o }))) },
    { weight: 1, arbitrary: fc.tuple(object, fc.nat()).map(([o, cut]) => { const t = JSON.stringify(o); return Buffer.from(t.slice(0, cut % (t.length + 1))); }) },
    { weight: 1, arbitrary: fc.tuple(fc.boolean(), object).map(([bom, o]) => Buffer.from(`${bom ? '\uFEFF' : ''}${JSON.stringify(o)}`)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: anyJson.map((v) => Buffer.from(JSON.stringify(v))) },
  );

const metadataBody = bytesOf(
  fc.record(
    {
      clientId: member(text), tenantId: member(text), attestationEndpoint: member(url),
      cuId: member(fc.record({ vmId: member(text), vmssId: member(text) }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  ),
);

describe('getplatformmetadata parsing under fuzz', () => {
  test('any body: checked metadata or ERR_IMDS_INVALID_METADATA', () => {
    fc.assert(fc.property(metadataBody, (body) => {
      let metadata;
      try {
        metadata = timed(100, () => parsePlatformMetadata(body, 'corr'));
      } catch (error) {
        codedError(error, ['ERR_IMDS_INVALID_METADATA']);
        expect(error).toMatchObject({ status: 200, correlationId: 'corr' });
        return;
      }
      for (const value of [metadata.clientId, metadata.tenantId]) expect(typeof value === 'string' && value.trim() !== '').toBe(true);
      expect(Object.keys(metadata.cuId).every((k) => k === 'vmId' || k === 'vmssId')).toBe(true);
      expect(Object.values(metadata.cuId).some((v) => typeof v === 'string' && v.trim() !== '')).toBe(true);
      expect(new URL(metadata.attestationEndpoint).href.length).toBeGreaterThan(0);
    }), fuzz(3000));
  });

  test('a well-formed answer reads back exactly', () => {
    fc.assert(fc.property(fc.uuid(), fc.uuid(), fc.option(fc.uuid(), { nil: undefined }), fc.uuid(), noise, (clientId, tenantId, vmssId, vmId, extra) => {
      const body = { ...extra, cuId: { vmId, ...(vmssId ? { vmssId } : {}), other: 1 }, clientId, tenantId, attestationEndpoint: 'https://sharedeus2.eus2.attest.azure.net' };
      expect(parsePlatformMetadata(Buffer.from(JSON.stringify(body)))).toEqual({ clientId, tenantId, cuId: { vmId, ...(vmssId ? { vmssId } : {}) }, attestationEndpoint: body.attestationEndpoint });
    }), fuzz(300));
  });
});

describe('issuecredential parsing under fuzz', () => {
  const certificate = fc.oneof(
    { weight: 3, arbitrary: fc.constant(null).map(() => certificateBase64) },
    { weight: 1, arbitrary: fc.base64String({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, bits]) => { const b = Buffer.from(certificateBase64, 'base64'); b[at % b.length] ^= bits; return b.toString('base64'); }) },
    { weight: 1, arbitrary: fc.nat().map((cut) => certificateBase64.slice(0, cut % certificateBase64.length)) },
    { weight: 1, arbitrary: fc.constant(null).map(() => `-----BEGIN CERTIFICATE-----\n${certificateBase64}\n-----END CERTIFICATE-----`) },
  );
  const endpoint = fc.oneof(fc.constantFrom('https://eastus.mtlsauth.microsoft.com', 'https://eastus.mtlsauth.microsoft.com/', 'http://eastus.mtlsauth.microsoft.com', 'https://u:p@h', 'https://h?x=1'), url);
  const tenant = fc.oneof(fc.uuid(), fc.constantFrom('/t/', 'contoso.onmicrosoft.com', '../x', 'a/b', '%2e%2e'), text);
  const issuanceBody = bytesOf(
    fc.record(
      { client_id: member(text), tenant_id: member(tenant), certificate: member(certificate), identity_type: member(fc.constantFrom('SystemAssigned', 'UserAssigned')), mtls_authentication_endpoint: member(endpoint) },
      { requiredKeys: [] },
    ),
  );

  test('any body: a checked credential or a coded error', () => {
    fc.assert(fc.property(issuanceBody, (body) => {
      let issued;
      try {
        issued = timed(200, () => parseIssuanceResponse(body, 'corr'));
      } catch (error) {
        codedError(error, ['ERR_IMDS_INVALID_ISSUANCE_RESPONSE', 'ERR_IMDS_INSECURE_TOKEN_ENDPOINT', 'ERR_IMDS_INVALID_CERTIFICATE']);
        expect(isMtlsError(error)).toBe(true);
        return;
      }
      expect(issued.certificate).toBeInstanceOf(X509Certificate);
      expect(issued.certificate.publicKey.asymmetricKeyType).toBe('rsa'); // decodable, not just parsed
      // Exactly the one certificate sent (damaged ones that still parse are caught later, by the key check).
      const sent = (JSON.parse(body.toString('utf8').replace(/^\uFEFF/, '')) as { certificate: string }).certificate;
      expect(issued.certificate.raw.toString('base64')).toBe(sent);
      expect(issued.tenantId).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      const tokenUrl = new URL(issued.tokenUrl);
      expect(tokenUrl.protocol).toBe('https:');
      expect(tokenUrl.search + tokenUrl.hash + tokenUrl.username + tokenUrl.password).toBe('');
      expect(tokenUrl.pathname.endsWith(`/${issued.tenantId}/oauth2/v2.0/token`)).toBe(true);
      for (const value of [issued.clientId, issued.identityType]) expect(typeof value === 'string' && value.trim() !== '').toBe(true);
    }), fuzz(3000));
  });
});

describe('Retry-After from IMDS under fuzz', () => {
  test('a finite, non-negative wait or none', () => {
    const value = fc.oneof(fc.stringMatching(/^\s*\d{1,8}\s*$/), fc.stringMatching(/^\d{15,400}$/), fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()), fc.string({ unit: 'binary' }), fc.array(fc.string(), { maxLength: 3 }));
    fc.assert(fc.property(value, (v) => {
      const ms = timed(50, () => parseRetryAfterMs(v, 1_750_000_000_000));
      expect(ms === undefined || (Number.isFinite(ms) && ms >= 0)).toBe(true);
    }), fuzz(2000));
  });
});
