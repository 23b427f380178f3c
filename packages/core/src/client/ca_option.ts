import { X509Certificate } from 'node:crypto';
import { invalidArgument } from '../errors/argument.js';

const certificateBlock = /-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g;

/**
 * The `ca` option: one PEM text (may hold several certificates) or a list of them. Every
 * certificate in it must parse, so a damaged root fails here, before any connection, and not as
 * an opaque handshake failure later.
 */
export function readCaOption(value: unknown): readonly string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && v.includes('-----BEGIN CERTIFICATE-----'))) {
    throw invalidArgument('ca', 'PEM certificate text or an array of PEM texts', value);
  }
  for (const [index, text] of (list as string[]).entries()) {
    const blocks = text.match(certificateBlock) ?? [];
    const readable = blocks.length > 0 && blocks.every((block) => {
      try {
        new X509Certificate(block);
        return true;
      } catch {
        return false;
      }
    });
    if (!readable) throw invalidArgument(Array.isArray(value) ? `ca[${index}]` : 'ca', 'PEM certificate text whose every certificate can be read', text);
  }
  return list as string[];
}
