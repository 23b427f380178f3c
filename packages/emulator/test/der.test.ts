import { childrenOf, objectIdentifier, octetString, readElement, sequence, time, unsignedInteger } from '../src/der.js';

test('integers are minimal and positive', () => {
  expect(unsignedInteger(0).toString('hex')).toBe('020100');
  expect(unsignedInteger(Buffer.from([0, 0, 0x7f])).toString('hex')).toBe('02017f');
  expect(unsignedInteger(Buffer.from([0x80])).toString('hex')).toBe('02020080');
});

test('object identifiers use base-128 arcs', () => {
  expect(objectIdentifier('1.2.840.113549.1.1.11').toString('hex')).toBe('06092a864886f70d01010b');
  expect(objectIdentifier('2.5.29.17').toString('hex')).toBe('0603551d11');
});

test('long lengths and a read round trip', () => {
  const big = octetString(Buffer.alloc(300, 7));
  expect(big.subarray(0, 4).toString('hex')).toBe('0482012c');
  const outer = sequence(big, unsignedInteger(5));
  const [first, second] = childrenOf(readElement(outer));
  expect(first?.content.length).toBe(300);
  expect(second?.encoded.toString('hex')).toBe('020105');
  expect(() => readElement(outer.subarray(0, 10))).toThrow(RangeError);
});

test('UTCTime before 2050, GeneralizedTime after', () => {
  expect(time(new Date('2049-12-31T23:59:59.900Z')).toString('latin1')).toBe('\x17\x0d491231235959Z');
  expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
});
