/**
 * Certificates for the IMDS tests, made by the openssl CLI (not by the code under test) for keys
 * made by node:crypto.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  der: Buffer;
  certificate: X509Certificate;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A self-signed certificate with the given openssl `-subj` for a fresh RSA 2048 key. */
export function makeCertificate(subject: string, days = 7): TestCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = mkdtempSync(join(tmpdir(), 'imds-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    execFileSync('openssl', ['req', '-x509', '-key', keyPath, '-subj', subject, '-days', String(days), '-sha256', '-outform', 'DER', '-out', certPath], { stdio: 'pipe' });
    const der = readFileSync(certPath);
    return { der, certificate: new X509Certificate(der), privateKey, publicKey };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const clientId = '00000000-1111-2222-3333-444444444444';
export const tenantId = '55555555-6666-7777-8888-999999999999';
