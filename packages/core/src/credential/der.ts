/**
 * A minimal reader for the ASN.1 encodings a PKCS#12 file is made of (ITU-T X.690). It reads DER
 * and the two BER forms real PFX writers emit: indefinite lengths (X.690 §8.1.3.6; Windows and
 * Java keytool use them for the outer ContentInfo) and constructed OCTET STRINGs (§8.7.3).
 * It only reads: it never re-encodes, so signatures and MACs are checked over the bytes as given.
 */

/** Malformed or truncated ASN.1. The PKCS#12 reader turns it into an MtlsError. */
export class DerError extends Error {
  override get name(): string {
    return 'DerError';
  }
}

export const CLASS_UNIVERSAL = 0;
export const CLASS_CONTEXT = 2;

export const TAG_INTEGER = 2;
export const TAG_OCTET_STRING = 4;
export const TAG_NULL = 5;
export const TAG_OID = 6;
export const TAG_SEQUENCE = 16;
export const TAG_SET = 17;

/** One decoded element. Byte arrays are views into the input, not copies. */
export interface Asn1 {
  /** 0 universal, 1 application, 2 context-specific, 3 private (X.690 §8.1.2.2). */
  readonly tagClass: number;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** The whole element: identifier, length, contents (and end-of-contents, if indefinite). */
  readonly encoded: Uint8Array;
  /** The contents octets, end-of-contents excluded. */
  readonly content: Uint8Array;
  /** The decoded elements inside a constructed element; empty for a primitive one. */
  readonly children: readonly Asn1[];
}

// PKCS#12 nests about ten levels deep; the limit stops hostile input from exhausting the stack.
const maxDepth = 48;

/** Decodes exactly one element that spans all of `input`. */
export function parseDer(input: Uint8Array): Asn1 {
  const [element, end] = readElement(input, 0, 0);
  if (end !== input.length) throw new DerError(`${input.length - end} unexpected bytes follow the ASN.1 element`);
  return element;
}

function readElement(input: Uint8Array, start: number, depth: number): [Asn1, number] {
  if (depth > maxDepth) throw new DerError(`ASN.1 nesting deeper than ${maxDepth} levels`);
  let pos = start;
  const byte = (): number => {
    if (pos >= input.length) throw new DerError('the ASN.1 data is truncated');
    return input[pos++] as number;
  };

  // Identifier octets (§8.1.2).
  const identifier = byte();
  const tagClass = identifier >> 6;
  const constructed = (identifier & 0x20) !== 0;
  let tagNumber = identifier & 0x1f;
  if (tagNumber === 0x1f) {
    // High tag number form (§8.1.2.4): base-128 digits, bit 8 set on all but the last.
    tagNumber = 0;
    for (let b = 0x80; b & 0x80; ) {
      b = byte();
      if (tagNumber > 0xffffff) throw new DerError('ASN.1 tag number too large');
      tagNumber = tagNumber * 128 + (b & 0x7f);
    }
  }
  if (tagClass === CLASS_UNIVERSAL && tagNumber === 0) throw new DerError('unexpected end-of-contents octets');

  // Length octets (§8.1.3).
  const first = byte();
  if (first === 0x80) {
    // Indefinite form (§8.1.3.6): only for constructed elements; children run to 00 00.
    if (!constructed) throw new DerError('indefinite length on a primitive ASN.1 element');
    const contentStart = pos;
    const children: Asn1[] = [];
    for (;;) {
      if (pos + 2 > input.length) throw new DerError('the ASN.1 data is truncated (no end-of-contents)');
      if (input[pos] === 0 && input[pos + 1] === 0) {
        const content = input.subarray(contentStart, pos);
        pos += 2;
        return [{ tagClass, constructed, tagNumber, encoded: input.subarray(start, pos), content, children }, pos];
      }
      const [child, next] = readElement(input, pos, depth + 1);
      children.push(child);
      pos = next;
    }
  }
  let length = first;
  if (first & 0x80) {
    // Long form (§8.1.3.5): the low 7 bits count the length octets; 0x7f is reserved.
    const count = first & 0x7f;
    if (count === 0x7f) throw new DerError('reserved ASN.1 length octet 0xff');
    if (count > 6) throw new DerError('ASN.1 length too large');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + byte();
  }
  if (length > input.length - pos) throw new DerError('the ASN.1 data is truncated');
  const content = input.subarray(pos, pos + length);
  const end = pos + length;
  const children: Asn1[] = [];
  if (constructed) {
    for (let offset = 0; offset < content.length; ) {
      const [child, next] = readElement(content, offset, depth + 1);
      children.push(child);
      offset = next;
    }
  }
  return [{ tagClass, constructed, tagNumber, encoded: input.subarray(start, end), content, children }, end];
}

const universalNames: Record<number, string> = {
  [TAG_INTEGER]: 'INTEGER',
  [TAG_OCTET_STRING]: 'OCTET STRING',
  [TAG_NULL]: 'NULL',
  [TAG_OID]: 'OBJECT IDENTIFIER',
  [TAG_SEQUENCE]: 'SEQUENCE',
  [TAG_SET]: 'SET',
};

function tagName(tagClass: number, tagNumber: number): string {
  if (tagClass === CLASS_UNIVERSAL) return universalNames[tagNumber] ?? `universal tag ${tagNumber}`;
  return `${['universal', 'application', 'context', 'private'][tagClass]} tag [${tagNumber}]`;
}

/** True when `node` has the given class and number (either form, primitive or constructed). */
export function hasTag(node: Asn1 | undefined, tagClass: number, tagNumber: number): node is Asn1 {
  return node !== undefined && node.tagClass === tagClass && node.tagNumber === tagNumber;
}

/** `node` if it is a universal element with `tagNumber`, else a DerError naming `what`. */
export function expectUniversal(node: Asn1 | undefined, tagNumber: number, what: string): Asn1 {
  if (node === undefined) throw new DerError(`${what} is missing`);
  if (node.tagClass !== CLASS_UNIVERSAL || node.tagNumber !== tagNumber) {
    throw new DerError(`${what} should be ${tagName(CLASS_UNIVERSAL, tagNumber)}, found ${tagName(node.tagClass, node.tagNumber)}`);
  }
  const constructedForm = tagNumber === TAG_SEQUENCE || tagNumber === TAG_SET;
  // SEQUENCE and SET are always constructed; INTEGER, NULL and OID always primitive (§8.3-8.19).
  if (tagNumber !== TAG_OCTET_STRING && node.constructed !== constructedForm) {
    throw new DerError(`${what} has the wrong (${node.constructed ? 'constructed' : 'primitive'}) form`);
  }
  return node;
}

/** The children of a SEQUENCE. */
export function readSequence(node: Asn1 | undefined, what: string): readonly Asn1[] {
  return expectUniversal(node, TAG_SEQUENCE, what).children;
}

/** Dotted form of an OBJECT IDENTIFIER (§8.19). */
export function readOid(node: Asn1 | undefined, what: string): string {
  const { content } = expectUniversal(node, TAG_OID, what);
  if (content.length === 0 || (content[content.length - 1] as number) & 0x80) throw new DerError(`${what} is a malformed OBJECT IDENTIFIER`);
  const arcs: bigint[] = [];
  let value = 0n;
  let fresh = true;
  for (const b of content) {
    // A subidentifier must not start with 0x80 (§8.19.2: minimal base-128 digits).
    if (fresh && b === 0x80) throw new DerError(`${what} is a malformed OBJECT IDENTIFIER`);
    value = (value << 7n) | BigInt(b & 0x7f);
    fresh = (b & 0x80) === 0;
    if (fresh) {
      arcs.push(value);
      value = 0n;
    }
  }
  // The first subidentifier packs the first two arcs as X*40+Y (§8.19.4).
  const head = arcs[0] as bigint;
  const top = head < 40n ? 0n : head < 80n ? 1n : 2n;
  return [top, head - top * 40n, ...arcs.slice(1)].join('.');
}

/** An INTEGER's two's-complement value (§8.3). */
export function readInteger(node: Asn1 | undefined, what: string): bigint {
  const { content } = expectUniversal(node, TAG_INTEGER, what);
  if (content.length === 0) throw new DerError(`${what} is an empty INTEGER`);
  let value = 0n;
  for (const b of content) value = (value << 8n) | BigInt(b);
  if ((content[0] as number) & 0x80) value -= 1n << BigInt(content.length * 8);
  return value;
}

/**
 * The value of a string type, whatever the tag (so it serves IMPLICIT tags too): a primitive
 * element's contents, or the concatenated segments of a constructed one (§8.7.3.2; each segment is
 * itself an OCTET STRING, possibly constructed).
 */
export function readOctets(node: Asn1, what: string, depth = 0): Uint8Array {
  if (!node.constructed) return node.content;
  if (depth > maxDepth) throw new DerError(`${what} nests too deeply`);
  const parts = node.children.map((segment) => {
    if (!hasTag(segment, CLASS_UNIVERSAL, TAG_OCTET_STRING)) throw new DerError(`${what} has a segment that is not an OCTET STRING`);
    return readOctets(segment, what, depth + 1);
  });
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

/** An OCTET STRING's value (primitive or constructed). */
export function readOctetString(node: Asn1 | undefined, what: string): Uint8Array {
  return readOctets(expectUniversal(node, TAG_OCTET_STRING, what), what);
}
