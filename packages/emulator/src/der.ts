/**
 * A minimal DER (ITU-T X.690) writer and reader: just what X.509 certificates need, and what a
 * PKCS#10 request's public key extraction will need later. Hand-written so certificate issuance
 * is synchronous, dependency-free and byte-exact (signatures are over these exact bytes).
 */

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One element: tag byte, definite length, content. */
export function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export function sequence(...items: Uint8Array[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

/** A SET with one member; DER sorts SET OF members, which a single member makes moot. */
export function singletonSet(item: Uint8Array): Buffer {
  return tlv(0x31, item);
}

/** INTEGER from an unsigned big-endian magnitude (minimal, with a 0x00 guard for the sign bit). */
export function unsignedInteger(magnitude: Uint8Array | number): Buffer {
  let bytes = typeof magnitude === 'number' ? Buffer.from([magnitude]) : Buffer.from(magnitude);
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const base128: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) base128.unshift(0x80 | (value & 0x7f));
    out.push(...base128);
  }
  return tlv(0x06, Buffer.from(out));
}

export const derNull: Buffer = Buffer.from([0x05, 0x00]);

export function booleanValue(value: boolean): Buffer {
  return tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
}

export function utf8String(value: string): Buffer {
  return tlv(0x0c, Buffer.from(value, 'utf8'));
}

export function octetString(bytes: Uint8Array): Buffer {
  return tlv(0x04, bytes);
}

export function bitString(bytes: Uint8Array, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, Zulu. */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

/** `[n] EXPLICIT`: constructed context tag wrapping a whole element. */
export function explicitTag(number: number, element: Uint8Array): Buffer {
  return tlv(0xa0 | number, element);
}

/** `[n] IMPLICIT` over a primitive: context tag replaces the type's own tag. */
export function implicitPrimitive(number: number, content: Uint8Array): Buffer {
  return tlv(0x80 | number, content);
}

/** One parsed element; offsets index the buffer it was read from. */
export interface DerElement {
  tag: number;
  /** The whole element, header included (what a signature or hash covers). */
  encoded: Buffer;
  content: Buffer;
}

/** Reads the element starting at `offset`; throws on truncated or indefinite-length input. */
export function readElement(buffer: Buffer, offset = 0): DerElement {
  const tag = buffer[offset];
  let length = buffer[offset + 1];
  if (tag === undefined || length === undefined) throw new RangeError('DER: truncated header');
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new RangeError('DER: unsupported length encoding');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (buffer[offset + 2 + i] ?? 0);
    header += count;
  }
  const end = offset + header + length;
  if (end > buffer.length) throw new RangeError('DER: element runs past the end of the input');
  return { tag, encoded: buffer.subarray(offset, end), content: buffer.subarray(offset + header, end) };
}

/** The elements inside a constructed element (SEQUENCE, SET, explicit tag). */
export function childrenOf(element: DerElement): DerElement[] {
  const out: DerElement[] = [];
  for (let offset = 0; offset < element.content.length; ) {
    const child = readElement(element.content, offset);
    out.push(child);
    offset += child.encoded.length;
  }
  return out;
}
