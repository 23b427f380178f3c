import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCertificateAuthority, loadCertificateAuthority, type CertificateAuthority } from './ca.js';

/** File names inside `caDir`. */
export const CA_CERT_FILE = 'ca.pem';
export const CA_KEY_FILE = 'ca-key.pem';

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Loads the CA from `dir` (`ca.pem`, `ca-key.pem`), or creates one there when neither exists, so
 * users trust one CA across runs. Half a pair is an error rather than silently replaced.
 */
export async function loadOrCreateCaDir(dir: string): Promise<CertificateAuthority> {
  const certPath = join(dir, CA_CERT_FILE);
  const keyPath = join(dir, CA_KEY_FILE);
  const [certPem, keyPem] = await Promise.all([readIfPresent(certPath), readIfPresent(keyPath)]);
  if (certPem !== undefined && keyPem !== undefined) return loadCertificateAuthority(certPem, keyPem);
  if (certPem !== undefined || keyPem !== undefined) {
    throw new Error(`${dir} holds only one of ${CA_CERT_FILE} and ${CA_KEY_FILE}; remove it or add the other`);
  }
  const ca = await createCertificateAuthority();
  await mkdir(dir, { recursive: true });
  // 'wx' never overwrites: two emulators racing on one empty dir fail loudly instead of mixing pairs.
  await writeFile(keyPath, ca.keyPem, { mode: 0o600, flag: 'wx' });
  await chmod(keyPath, 0o600); // the mode above is filtered by umask; the key must not be group-readable
  await writeFile(certPath, ca.certPem, { mode: 0o644, flag: 'wx' });
  return ca;
}
