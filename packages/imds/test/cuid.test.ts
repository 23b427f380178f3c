import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeCuId, type CuId } from '../src/cuid.js';

interface CuIdVectors {
  cases: { name: string; cuId: unknown; json: string }[];
  errors: { name: string; cuId: unknown; error: 'TypeError' | 'RangeError' }[];
  escaping: { cases: { value: string; json: string }[] };
}
const vectors = JSON.parse(readFileSync(join(__dirname, 'fixtures/csr/cuid_json.json'), 'utf8')) as CuIdVectors;

describe('serializeCuId (spec §3.4)', () => {
  test.each(vectors.cases)('$name', ({ cuId, json }) => {
    const out = serializeCuId(cuId as CuId);
    expect(out).toBe(json);
    // Compact: no whitespace outside the values, and it is valid JSON with the same members.
    expect(JSON.stringify(JSON.parse(out))).toBe(out);
  });

  test.each(vectors.errors)('rejects $name with a $error', ({ cuId, error }) => {
    let caught: unknown;
    try {
      serializeCuId(cuId as CuId);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(error === 'TypeError' ? TypeError : RangeError);
    expect((caught as { code?: string }).code).toBe('ERR_MTLS_INVALID_ARGUMENT');
    expect((caught as Error).message).toMatch(/^cuId/);
  });

  test.each(vectors.escaping.cases)('escapes $value like System.Text.Json', ({ value, json }) => {
    const out = serializeCuId({ vmId: value });
    expect(out).toBe(json);
    expect(/^[\x20-\x7e]*$/.test(out)).toBe(true); // pure printable ASCII
    expect((JSON.parse(out) as CuId).vmId).toBe(value); // escapes round-trip
  });

  test('a non-BMP character becomes an upper-case surrogate pair escape', () => {
    expect(serializeCuId({ vmssId: 'x\u{1F600}' })).toBe('{"vmssId":"x\\uD83D\\uDE00"}');
  });

  test('does not modify its input', () => {
    const cuId = { vmId: 'a', vmssId: '', other: 1 };
    serializeCuId(cuId);
    expect(cuId).toEqual({ vmId: 'a', vmssId: '', other: 1 });
  });
});
