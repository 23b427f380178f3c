import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { CertificateAuthority } from './ca.js';

/**
 * Every name the emulator answers for: Entra's login hosts, each cloud's global and regional
 * (`*.`) mTLS token hosts, the mTLS test resource, and loopback. Clients keep these names for
 * SNI and certificate checks and only dial 127.0.0.1, so hostname verification stays real.
 */
export const EMULATOR_HOSTNAMES: readonly string[] = [
  'login.microsoftonline.com', 'login.microsoft.com', 'login.windows.net', 'login.microsoftonline.us',
  'login.partner.microsoftonline.cn',
  'mtlsauth.microsoft.com', '*.mtlsauth.microsoft.com',
  'mtlsauth.microsoftonline.us', '*.mtlsauth.microsoftonline.us',
  'mtlsauth.partner.microsoftonline.cn', '*.mtlsauth.partner.microsoftonline.cn',
  'mtlsauth.windows-ppe.net', '*.mtlsauth.windows-ppe.net',
  'mtlsauth.sovcloud-identity.fr', '*.mtlsauth.sovcloud-identity.fr',
  'mtlsauth.sovcloud-identity.de', '*.mtlsauth.sovcloud-identity.de',
  'mtlsauth.sovcloud-identity.sg', '*.mtlsauth.sovcloud-identity.sg',
  'mtlsauth.microsoftonline.de', '*.mtlsauth.microsoftonline.de',
  'mtlstb.graph.microsoft.com',
  'localhost',
];

/** IP SANs of the server certificate. */
export const EMULATOR_IPS: readonly string[] = ['127.0.0.1'];

/** A TLS server key and certificate. */
export interface ServerCredentials {
  certPem: string;
  keyPem: string;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** A fresh server key (EC P-256) with a certificate from `ca` for every emulator host plus `extraHostnames`. */
export async function issueServerCertificate(ca: CertificateAuthority, extraHostnames: readonly string[] = []): Promise<ServerCredentials> {
  const { privateKey, publicKey } = await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
  const now = Date.now();
  const dns = [...new Set([...EMULATOR_HOSTNAMES, ...extraHostnames.map((name) => name.toLowerCase())])];
  const issued = ca.issueCertificate({
    subjectPublicKeySpki: publicKey.export({ type: 'spki', format: 'der' }),
    subject: { commonName: 'login.microsoftonline.com', organization: 'msal-mtls emulator' },
    sans: { dns, ip: EMULATOR_IPS },
    notBefore: new Date(now - 60 * 60 * 1000),
    notAfter: new Date(now + 365 * 24 * 60 * 60 * 1000),
    extKeyUsage: ['serverAuth'],
  });
  return { certPem: issued.certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
