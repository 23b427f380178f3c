import { verifyIssuedCertificate } from '../../src/imds/verify_issued_certificate.js';
import { clientId, makeCertificate, tenantId, type TestCertificate } from './test_certificates.js';

let ours: TestCertificate;
let otherKey: TestCertificate;
let otherIdentity: TestCertificate;
let twoCns: TestCertificate;
let noCn: TestCertificate;
let inside: Date;

beforeAll(() => {
  ours = makeCertificate(`/DC=${tenantId}/CN=${clientId}`);
  otherKey = makeCertificate(`/DC=${tenantId}/CN=${clientId}`);
  otherIdentity = makeCertificate(`/DC=${tenantId}/CN=99999999-1111-2222-3333-444444444444`);
  twoCns = makeCertificate(`/CN=${clientId}/CN=${clientId}`);
  noCn = makeCertificate(`/DC=${tenantId}/O=Contoso`);
  inside = new Date(Date.parse(ours.certificate.validFrom) + 60_000);
});

const invalid = (text: RegExp | string) => expect.objectContaining({ code: 'ERR_IMDS_INVALID_CERTIFICATE', message: expect.stringMatching(text) });

describe('verifyIssuedCertificate', () => {
  it('accepts our key as a public KeyObject, a private KeyObject or SPKI DER', () => {
    const spki = ours.publicKey.export({ type: 'spki', format: 'der' });
    for (const publicKey of [ours.publicKey, ours.privateKey, spki, new Uint8Array(spki)]) {
      expect(() => verifyIssuedCertificate(ours.certificate, { publicKey, clientId, now: inside })).not.toThrow();
    }
  });

  it('compares the client id without regard to case', () => {
    expect(() => verifyIssuedCertificate(ours.certificate, { publicKey: ours.publicKey, clientId: clientId.toUpperCase(), now: inside })).not.toThrow();
  });

  it('refuses a certificate for another key', () => {
    expect(() => verifyIssuedCertificate(otherKey.certificate, { publicKey: ours.publicKey, clientId, now: inside })).toThrow(invalid(/not issued for our key/));
  });

  it('refuses a certificate naming another identity', () => {
    expect(() => verifyIssuedCertificate(otherIdentity.certificate, { publicKey: otherIdentity.publicKey, clientId, now: inside })).toThrow(invalid(/another identity/));
  });

  it('refuses zero or several CNs', () => {
    expect(() => verifyIssuedCertificate(twoCns.certificate, { publicKey: twoCns.publicKey, clientId, now: inside })).toThrow(invalid(/2 subject CNs/));
    expect(() => verifyIssuedCertificate(noCn.certificate, { publicKey: noCn.publicKey, clientId, now: inside })).toThrow(invalid(/0 subject CNs/));
  });

  it('checks the validity window, both ends inclusive', () => {
    const notBefore = Date.parse(ours.certificate.validFrom);
    const notAfter = Date.parse(ours.certificate.validTo);
    expect(notAfter - notBefore).toBe(7 * 86_400_000);
    const check = (ms: number) => () => verifyIssuedCertificate(ours.certificate, { publicKey: ours.publicKey, clientId, now: new Date(ms) });
    expect(check(notBefore)).not.toThrow();
    expect(check(notAfter)).not.toThrow();
    expect(check(notBefore - 1000)).toThrow(invalid(/not valid yet/));
    expect(check(notAfter + 1000)).toThrow(invalid(/expired/));
  });

  it('defaults now to the current time', () => {
    expect(() => verifyIssuedCertificate(ours.certificate, { publicKey: ours.publicKey, clientId })).not.toThrow();
  });

  it('treats wrong argument types as misuse', () => {
    const misuse = (name: string) => expect.objectContaining({ name: 'TypeError', code: 'ERR_MTLS_INVALID_ARGUMENT', message: expect.stringContaining(name) });
    expect(() => verifyIssuedCertificate(ours.der as never, { publicKey: ours.publicKey, clientId })).toThrow(misuse('certificate'));
    expect(() => verifyIssuedCertificate(ours.certificate, { publicKey: 'pem' as never, clientId })).toThrow(misuse('expected.publicKey'));
    expect(() => verifyIssuedCertificate(ours.certificate, { publicKey: Buffer.from('junk'), clientId })).toThrow(misuse('expected.publicKey'));
    expect(() => verifyIssuedCertificate(ours.certificate, { publicKey: ours.publicKey, clientId: '' })).toThrow(misuse('expected.clientId'));
    expect(() => verifyIssuedCertificate(ours.certificate, { publicKey: ours.publicKey, clientId, now: 5 as never })).toThrow(misuse('expected.now'));
  });
});
