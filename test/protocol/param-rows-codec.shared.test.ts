import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SqlValue } from '../../src/api/values.js';
import { assertEncodedParamRows, decodeParamRows, encodeParamRows } from '../../src/engine/param-rows.js';

const sqlValue: fc.Arbitrary<SqlValue> = fc.oneof(
  fc.constant(null),
  fc.double({ noNaN: true }),
  fc.integer(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.boolean(),
  fc.uint8Array({ maxLength: 16 }),
);

describe('packed parameter rows', () => {
  it('decode(encode(rows)) returns the rows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }).chain((width) => fc.array(fc.array(sqlValue, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 40 })),
        (rows) => {
          const packed = encodeParamRows(rows);
          expect(packed).toBeDefined();
          assertEncodedParamRows(packed!);
          expect(decodeParamRows(packed!)).toEqual(rows.map((row) => row.map((v) => (Object.is(v, -0) ? -0 : v))));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves named and ragged rows unpacked, and refuses values SQLite cannot store', () => {
    expect(encodeParamRows([{ a: 1 }])).toBeUndefined();
    expect(encodeParamRows([[1, 2], [3]])).toBeUndefined();
    expect(() => encodeParamRows([[1], [undefined as never]])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => encodeParamRows([[2n ** 64n]])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects a malformed batch that crossed a message boundary', () => {
    const packed = encodeParamRows([['abc'], ['de']])!;
    expect(() => assertEncodedParamRows({ ...packed, textLength: new Uint32Array([3, 200]) })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => assertEncodedParamRows({ ...packed, tags: new Uint8Array([3, 99]) })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => assertEncodedParamRows({ ...packed, count: 3 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
