import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  certPem: string;
  keyPem: string;
  pfx: Buffer;
  pfxPassphrase: string;
}

/**
 * A self-signed RSA certificate made by the openssl CLI (what `az ad app credential reset
 * --create-cert` and most app registrations use), plus the same pair as a PFX.
 */
export function makeCertificate(options: { cn?: string; days?: number } = {}): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'msal-mtls-cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const pfx = join(dir, 'cert.pfx');
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key], { stdio: 'ignore' });
    execFileSync('openssl', ['req', '-x509', '-key', key, '-subj', `/CN=${options.cn ?? 'msal-mtls test'}`, '-days', String(options.days ?? 30), '-out', cert], { stdio: 'ignore' });
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', pfx, '-passout', 'pass:pfx-pass'], { stdio: 'ignore' });
    return { certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8'), pfx: readFileSync(pfx), pfxPassphrase: 'pfx-pass' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
