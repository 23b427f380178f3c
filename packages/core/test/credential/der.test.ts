import {
  DerError,
  parseDer,
  readInteger,
  readOctetString,
  readOctets,
  readOid,
  readSequence,
} from '../../src/credential/der.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('parseDer', () => {
  test('reads a short-form primitive element', () => {
    const node = parseDer(hex('04 03 01 02 03'));
    expect(node.tagClass).toBe(0);
    expect(node.constructed).toBe(false);
    expect(node.tagNumber).toBe(4);
    expect(Buffer.from(node.content)).toEqual(hex('010203'));
    expect(Buffer.from(node.encoded)).toEqual(hex('04 03 01 02 03'));
    expect(node.children).toHaveLength(0);
  });

  test.each([
    ['one length octet (0x81)', 200, '81c8'],
    ['two length octets (0x82)', 300, '82012c'],
    ['three length octets (0x83)', 70000, '83011170'],
    ['non-minimal long form for a short length (BER)', 5, '820005'],
  ])('reads long-form lengths: %s', (_name, length, lengthHex) => {
    const body = Buffer.alloc(length, 0xab);
    const node = parseDer(Buffer.concat([hex('04'), hex(lengthHex), body]));
    expect(node.content.length).toBe(length);
    expect(Buffer.from(node.content)).toEqual(body);
  });

  test('reads nested constructed elements', () => {
    // SEQUENCE { INTEGER 5, SEQUENCE { NULL, [0] { OCTET STRING 'hi' } } }
    const node = parseDer(hex('30 0d 02 01 05 30 08 05 00 a0 04 04 02 68 69'));
    expect(node.children).toHaveLength(2);
    const inner = node.children[1]!;
    expect(inner.tagNumber).toBe(16);
    expect(inner.children.map((c) => [c.tagClass, c.tagNumber])).toEqual([[0, 5], [2, 0]]);
    const tagged = inner.children[1]!;
    expect(tagged.constructed).toBe(true);
    expect(Buffer.from(readOctetString(tagged.children[0], 'x')).toString()).toBe('hi');
  });

  test('reads indefinite-length constructed elements, nested', () => {
    // SEQUENCE (indefinite) { INTEGER 3, [0] (indefinite) { OCTET STRING 'ab' } }
    const bytes = hex('30 80 02 01 03 a0 80 04 02 61 62 00 00 00 00');
    const node = parseDer(bytes);
    expect(node.encoded.length).toBe(bytes.length);
    expect(node.children).toHaveLength(2);
    expect(readInteger(node.children[0], 'v')).toBe(3n);
    const tagged = node.children[1]!;
    expect(tagged.tagClass).toBe(2);
    expect(Buffer.from(tagged.content)).toEqual(hex('04 02 61 62'));
    expect(Buffer.from(readOctetString(tagged.children[0], 'x')).toString()).toBe('ab');
  });

  test('joins the segments of a constructed OCTET STRING, nested and indefinite', () => {
    // OCTET STRING (constructed, indefinite) { 'ab', OCTET STRING (constructed) { 'c', 'de' } }
    const node = parseDer(hex('24 80 04 02 61 62 24 07 04 01 63 04 02 64 65 00 00'));
    expect(Buffer.from(readOctetString(node, 'x')).toString()).toBe('abcde');
  });

  test('readOctets accepts an IMPLICIT tag', () => {
    expect(Buffer.from(readOctets(parseDer(hex('80 02 01 02')), 'x'))).toEqual(hex('0102'));
    expect(Buffer.from(readOctets(parseDer(hex('a0 80 04 01 01 04 01 02 00 00')), 'x'))).toEqual(hex('0102'));
  });

  test('reads a high tag number', () => {
    const node = parseDer(hex('9f 81 00 01 ff'));
    expect(node.tagClass).toBe(2);
    expect(node.tagNumber).toBe(128);
    expect(Buffer.from(node.content)).toEqual(hex('ff'));
  });

  test.each([
    ['empty input', ''],
    ['tag only', '30'],
    ['short contents', '04 05 01 02'],
    ['long-form length cut off', '04 82 01'],
    ['long-form length past the end', '04 82 01 00 00'],
    ['child running past its parent', '30 03 04 05 01 02 03 04 05'],
    ['indefinite length without end-of-contents', '30 80 02 01 01'],
    ['nested indefinite length missing one end-of-contents', '30 80 30 80 02 01 01 00 00'],
    ['high tag number cut off', '9f 81'],
  ])('throws DerError on truncated input: %s', (_name, bytes) => {
    expect(() => parseDer(hex(bytes))).toThrow(DerError);
  });

  test.each([
    ['trailing bytes', '05 00 00'],
    ['indefinite length on a primitive', '04 80 01 00 00'],
    ['reserved length octet', '04 ff'],
    ['stray end-of-contents', '30 02 00 00'],
  ])('throws DerError on malformed input: %s', (_name, bytes) => {
    expect(() => parseDer(hex(bytes))).toThrow(DerError);
  });

  test('refuses hostile nesting depth instead of overflowing the stack', () => {
    const bytes = Buffer.concat([Buffer.alloc(2000).fill(Buffer.from([0x30, 0x80])), Buffer.alloc(2000)]);
    expect(() => parseDer(bytes)).toThrow(/nesting/);
  });
});

describe('readers', () => {
  test.each([
    ['06 09 2a 86 48 86 f7 0d 01 07 01', '1.2.840.113549.1.7.1'],
    ['06 03 55 04 03', '2.5.4.3'],
    ['06 01 00', '0.0'],
    ['06 02 88 37', '2.999'],
    // A 128-bit arc (UUID OIDs under 2.25) exceeds Number precision.
    ['06146983f09da7ebcfdee0c7a1a7b2c0948cc8f9d776', '2.25.329800735698586629295641978511506172918'],
  ])('readOid decodes %s', (bytes, dotted) => {
    expect(readOid(parseDer(hex(bytes)), 'oid')).toBe(dotted);
  });

  test.each([
    ['06 00', 'empty'],
    ['06 02 2a 86', 'last byte continues'],
    ['06 03 2a 80 01', 'non-minimal subidentifier'],
    ['04 01 2a', 'wrong tag'],
  ])('readOid rejects %s (%s)', (bytes) => {
    expect(() => readOid(parseDer(hex(bytes)), 'oid')).toThrow(DerError);
  });

  test.each([
    ['02 01 00', 0n],
    ['02 01 7f', 127n],
    ['02 02 00 80', 128n],
    ['02 01 80', -128n],
    ['02 01 ff', -1n],
    ['02 03 01 00 00', 65536n],
    ['02 09 01 00 00 00 00 00 00 00 00', 1n << 64n],
  ])('readInteger decodes %s', (bytes, value) => {
    expect(readInteger(parseDer(hex(bytes)), 'n')).toBe(value);
  });

  test('readInteger rejects an empty INTEGER and other tags', () => {
    expect(() => readInteger(parseDer(hex('02 00')), 'n')).toThrow(DerError);
    expect(() => readInteger(parseDer(hex('04 01 01')), 'n')).toThrow(/n should be INTEGER, found OCTET STRING/);
  });

  test('readSequence names what is missing or wrong', () => {
    expect(readSequence(parseDer(hex('30 00')), 's')).toHaveLength(0);
    expect(() => readSequence(undefined, 'the thing')).toThrow(/the thing is missing/);
    expect(() => readSequence(parseDer(hex('31 00')), 'the thing')).toThrow(/should be SEQUENCE, found SET/);
    // A primitive element with the SEQUENCE tag number is not a SEQUENCE.
    expect(() => readSequence(parseDer(hex('10 00')), 'the thing')).toThrow(/wrong \(primitive\) form/);
  });

  test('readOctetString rejects a constructed OCTET STRING with a non-OCTET STRING segment', () => {
    expect(() => readOctetString(parseDer(hex('24 03 02 01 01')), 'x')).toThrow(DerError);
  });
});
