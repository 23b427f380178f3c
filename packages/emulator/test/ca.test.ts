import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createCertificateAuthority, loadCertificateAuthority, type CertificateAuthority } from '../src/index.js';

let ca: CertificateAuthority;
beforeAll(async () => {
  ca = await createCertificateAuthority('unit test CA');
});

test('the CA is self-signed with CA:true and keyCertSign', () => {
  const cert = new X509Certificate(ca.certPem);
  expect(cert.ca).toBe(true);
  expect(cert.subject).toBe(cert.issuer);
  expect(cert.subject).toContain('CN=unit test CA');
  expect(cert.verify(cert.publicKey)).toBe(true);
  // keyUsage extension (2.5.29.15) value: BIT STRING with digitalSignature, keyCertSign, cRLSign = 0x86.
  const der = cert.raw.toString('hex');
  expect(der).toContain('0603551d0f' + '0101ff' + '0404' + '03020186');
  // basicConstraints (2.5.29.19), critical, CA:TRUE.
  expect(der).toContain('0603551d13' + '0101ff' + '0405' + '30030101ff');
});

test('issueCertificate signs an arbitrary public key (as from a CSR) with SANs and EKU', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const notBefore = new Date('2030-01-01T00:00:00Z');
  const notAfter = new Date('2060-01-01T00:00:00Z'); // past 2049: GeneralizedTime
  const issued = ca.issueCertificate({
    subjectPublicKeySpki: publicKey.export({ type: 'spki', format: 'der' }),
    subject: { commonName: 'managed identity', organization: 'Contoso' },
    sans: { dns: ['a.example', '*.b.example'], ip: ['127.0.0.1', '::1'] },
    notBefore, notAfter, extKeyUsage: ['clientAuth'],
  });
  const cert = new X509Certificate(issued.certPem);
  const caCert = new X509Certificate(ca.certPem);
  expect(cert.verify(caCert.publicKey)).toBe(true);
  expect(cert.checkIssued(caCert)).toBe(true);
  expect(cert.ca).toBe(false);
  expect(cert.subject).toBe('O=Contoso\nCN=managed identity');
  expect(cert.subjectAltName).toBe('DNS:a.example, DNS:*.b.example, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  expect(new Date(cert.validFrom).toISOString()).toBe(notBefore.toISOString());
  expect(new Date(cert.validTo).toISOString()).toBe(notAfter.toISOString());
  expect(cert.publicKey.export({ type: 'spki', format: 'der' })).toEqual(publicKey.export({ type: 'spki', format: 'der' }));
  expect(issued.der).toEqual(cert.raw);
  expect(issued.x5tS256).toMatch(/^[A-Za-z0-9_-]{43}$/);
});

test('issueCertificate rejects a malformed public key', () => {
  expect(() => ca.issueCertificate({
    subjectPublicKeySpki: Buffer.from('not a key'), subject: 'x', notBefore: new Date(), notAfter: new Date(), extKeyUsage: [],
  })).toThrow();
});

test('loadCertificateAuthority round-trips and checks the pair', async () => {
  const loaded = loadCertificateAuthority(ca.certPem, ca.keyPem);
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const issued = loaded.issueCertificate({
    subjectPublicKeySpki: publicKey.export({ type: 'spki', format: 'der' }), subject: 'y',
    notBefore: new Date(), notAfter: new Date(Date.now() + 1000), extKeyUsage: ['serverAuth'],
  });
  expect(new X509Certificate(issued.certPem).checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  const other = await createCertificateAuthority();
  expect(() => loadCertificateAuthority(ca.certPem, other.keyPem)).toThrow(/does not match/);
});
