import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { createClientCertificate, x5tS256 } from '../src/index.js';

test('a self-signed RSA-2048 clientAuth certificate with its x5t#S256', () => {
  const { certPem, keyPem, x5tS256: thumbprint } = createClientCertificate({ commonName: 'my-app' });
  const cert = new X509Certificate(certPem);
  expect(cert.subject).toBe('CN=my-app');
  expect(cert.issuer).toBe('CN=my-app');
  expect(cert.verify(cert.publicKey)).toBe(true);
  expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  expect(cert.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
  expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  expect(thumbprint).toBe(createHash('sha256').update(cert.raw).digest('base64url'));
  expect(thumbprint).not.toContain('=');
  expect(x5tS256(certPem)).toBe(thumbprint);
  expect(x5tS256(cert.raw)).toBe(thumbprint);
});

test('validity: explicit dates, or validDays from now', () => {
  const notBefore = new Date('2020-01-01T00:00:00Z');
  const notAfter = new Date('2021-01-01T00:00:00Z');
  const expired = new X509Certificate(createClientCertificate({ commonName: 'old', notBefore, notAfter }).certPem);
  expect(new Date(expired.validFrom).toISOString()).toBe(notBefore.toISOString());
  expect(new Date(expired.validTo).toISOString()).toBe(notAfter.toISOString());
  const short = new X509Certificate(createClientCertificate({ commonName: 'short', validDays: 2 }).certPem);
  const days = (Date.parse(short.validTo) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(1.9);
  expect(days).toBeLessThan(2.01);
});

test('every certificate is new', () => {
  expect(createClientCertificate({ commonName: 'a' }).x5tS256).not.toBe(createClientCertificate({ commonName: 'a' }).x5tS256);
  expect(() => createClientCertificate({ commonName: '' })).toThrow(TypeError);
});
