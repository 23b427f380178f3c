import { X509Certificate } from 'node:crypto';
import { invalidArgument } from './errors/cng_error.js';

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Trusted roots given as PEM text (one or more certificates each) or DER bytes, as DER Buffers. */
export function rootsToDer(roots: readonly (string | Uint8Array)[], name: string): Buffer[] {
  const der: Buffer[] = [];
  roots.forEach((root, index) => {
    if (typeof root === 'string') {
      const blocks = root.match(pemBlock);
      if (blocks === null) throw invalidArgument(`${name}[${index}]`, 'PEM text with at least one certificate', root);
      for (const block of blocks) der.push(parse(block, `${name}[${index}]`).raw);
    } else if (root instanceof Uint8Array) {
      der.push(parse(Buffer.from(root), `${name}[${index}]`).raw);
    } else {
      throw invalidArgument(`${name}[${index}]`, 'PEM text or DER bytes', root);
    }
  });
  return der;
}

function parse(value: string | Buffer, name: string): X509Certificate {
  try {
    return new X509Certificate(value);
  } catch {
    throw invalidArgument(name, 'a valid X.509 certificate', value);
  }
}
