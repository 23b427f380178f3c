import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MtlsError } from '@msal-mtls/core';
import { UsageError } from '../args.js';

/** The first certificate of a PEM (or DER) file: the leaf, when the file holds a chain. */
export function readCertificateFile(path: string, flag: string): X509Certificate {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'cannot be read'}.`);
  }
  const text = bytes.toString('latin1');
  const block = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/.exec(text)?.[0];
  try {
    return new X509Certificate(block ?? bytes);
  } catch (cause) {
    throw new MtlsError('ERR_MTLS_INVALID_CERTIFICATE', { message: `${flag} ${path} holds no readable certificate (PEM -----BEGIN CERTIFICATE----- or DER).`, cause });
  }
}
