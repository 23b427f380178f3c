import { isIP } from 'node:net';
import { bitString, booleanValue, implicitPrimitive, objectIdentifier, octetString, sequence } from './der.js';

/** Extended key usages the emulator issues (RFC 5280 §4.2.1.12). */
export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

/** Key usage bits (RFC 5280 §4.2.1.3), by bit number. */
export type KeyUsage = 'digitalSignature' | 'keyEncipherment' | 'keyCertSign' | 'cRLSign';

/** subjectAltName entries; IPs are IPv4 or IPv6 literals. */
export interface SubjectAltNames {
  dns?: readonly string[];
  ip?: readonly string[];
}

const keyUsageBits: Record<KeyUsage, number> = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 };
const ekuOids: Record<ExtendedKeyUsage, string> = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' };

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(objectIdentifier(oid), booleanValue(true), octetString(value))
    : sequence(objectIdentifier(oid), octetString(value));
}

export function basicConstraints(isCa: boolean): Buffer {
  // DER omits a DEFAULT FALSE, so an end-entity's value is an empty SEQUENCE.
  return extension('2.5.29.19', true, isCa ? sequence(booleanValue(true)) : sequence());
}

export function keyUsage(usages: readonly KeyUsage[]): Buffer {
  let bits = 0;
  for (const usage of usages) bits |= 0x80 >> keyUsageBits[usage];
  // A named bit list drops trailing zero bits in DER; all our bits fit in one byte.
  let unused = 0;
  while (unused < 7 && (bits & (1 << unused)) === 0) unused++;
  return extension('2.5.29.15', true, bitString(Buffer.from([bits]), unused));
}

export function extendedKeyUsage(usages: readonly ExtendedKeyUsage[]): Buffer {
  return extension('2.5.29.37', false, sequence(...usages.map((usage) => objectIdentifier(ekuOids[usage]))));
}

export function subjectAltName(names: SubjectAltNames): Buffer {
  const general: Buffer[] = (names.dns ?? []).map((dns) => implicitPrimitive(2, Buffer.from(dns, 'ascii')));
  for (const ip of names.ip ?? []) general.push(implicitPrimitive(7, ipBytes(ip)));
  return extension('2.5.29.17', false, sequence(...general));
}

export function subjectKeyIdentifier(keyId: Uint8Array): Buffer {
  return extension('2.5.29.14', false, octetString(keyId));
}

export function authorityKeyIdentifier(keyId: Uint8Array): Buffer {
  return extension('2.5.29.35', false, sequence(implicitPrimitive(0, keyId)));
}

function ipBytes(ip: string): Buffer {
  const family = isIP(ip);
  if (family === 4) return Buffer.from(ip.split('.').map(Number));
  if (family !== 6) throw new TypeError(`not an IP address: ${ip}`);
  const [head = '', tail] = ip.split('::');
  const groups = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return Buffer.from([...left, ...middle, ...right].flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  }));
}
