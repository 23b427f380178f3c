import { createPrivateKey, createPublicKey, generateKeyPair, X509Certificate, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { buildCertificate, keyIdentifierOf, readIssuerParts } from './certificate_builder.js';
import { certificateToPem, x5tS256 } from './thumbprint.js';
import type { ExtendedKeyUsage, SubjectAltNames } from './x509_extensions.js';
import { encodeName, type DistinguishedName } from './x509_name.js';

/** What {@link CertificateAuthority.issueCertificate} needs: a public key and what to bind it to. */
export interface IssueCertificateOptions {
  /** DER SubjectPublicKeyInfo of the key to certify (a generated key's, or later a CSR's). */
  subjectPublicKeySpki: Uint8Array;
  subject: DistinguishedName | string;
  sans?: SubjectAltNames;
  notBefore: Date;
  notAfter: Date;
  extKeyUsage: readonly ExtendedKeyUsage[];
}

/** A certificate the CA signed. */
export interface IssuedCertificate {
  certPem: string;
  der: Buffer;
  x5tS256: string;
}

/** The emulator's test CA: its certificate, its key, and a way to sign end-entity certificates. */
export interface CertificateAuthority {
  readonly certPem: string;
  /** PKCS#8 PEM. */
  readonly keyPem: string;
  issueCertificate(options: IssueCertificateOptions): IssuedCertificate;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** A new self-signed CA on an EC P-256 key (fast to generate; every TLS stack accepts it). */
export async function createCertificateAuthority(commonName = 'msal-mtls emulator test CA'): Promise<CertificateAuthority> {
  const { privateKey, publicKey } = await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const now = Date.now();
  const subject = { commonName, organization: 'msal-mtls emulator (NOT FOR PRODUCTION)' };
  const der = buildCertificate({
    signingKey: privateKey,
    issuerName: encodeName(subject),
    authorityKeyId: keyIdentifierOf(spki),
    subjectPublicKeySpki: spki,
    subject,
    notBefore: new Date(now - 60 * 60 * 1000), // tolerate clock skew between test processes
    notAfter: new Date(now + 10 * 365 * 24 * 60 * 60 * 1000),
    isCa: true,
    keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
    extKeyUsage: [],
  });
  return certificateAuthorityFrom(certificateToPem(der), privateKey);
}

/** A CA from existing PEMs; checks the key belongs to the certificate and that it may sign certificates. */
export function loadCertificateAuthority(certPem: string, keyPem: string): CertificateAuthority {
  const key = createPrivateKey(keyPem);
  const certificate = new X509Certificate(certPem);
  if (!certificate.checkPrivateKey(key)) throw new Error('CA key does not match the CA certificate');
  if (!certificate.ca) throw new Error('CA certificate lacks basicConstraints CA:true');
  return certificateAuthorityFrom(certificate.toString(), key);
}

function certificateAuthorityFrom(certPem: string, key: KeyObject): CertificateAuthority {
  const issuer = readIssuerParts(new X509Certificate(certPem).raw);
  const keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    certPem,
    keyPem,
    issueCertificate(options: IssueCertificateOptions): IssuedCertificate {
      // Parsing first rejects a malformed key before anything is signed.
      const subjectKey = createPublicKey({ key: Buffer.from(options.subjectPublicKeySpki), format: 'der', type: 'spki' });
      const der = buildCertificate({
        signingKey: key,
        issuerName: issuer.subjectName,
        authorityKeyId: issuer.subjectKeyId,
        subjectPublicKeySpki: options.subjectPublicKeySpki,
        subject: options.subject,
        ...(options.sans ? { sans: options.sans } : {}),
        notBefore: options.notBefore,
        notAfter: options.notAfter,
        isCa: false,
        // keyEncipherment only means something for RSA (RFC 8813 forbids it on EC keys).
        keyUsage: subjectKey.asymmetricKeyType === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
        extKeyUsage: options.extKeyUsage,
      });
      return { certPem: certificateToPem(der), der, x5tS256: x5tS256(der) };
    },
  };
}
