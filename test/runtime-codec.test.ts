import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, decode, encode, roundTrip } from 'distlab';

describe('Codec', () => {
  it.each([
    [{ f: () => 1 }, 'args.f', /function cannot cross/],
    [{ entries: [1, undefined] }, 'args.entries[1]', /undefined \(or a hole\) inside an array/],
    [{ m: new Map() }, 'args.m', /Map cannot cross the network; use a plain object/],
    [{ s: new Set() }, 'args.s', /Set cannot cross/],
    [{ d: new Date(0) }, 'args.d', /Date cannot cross/],
    [{ x: Symbol('s') }, 'args.x', /symbol/],
    [{ n: Number.NaN }, 'args.n', /not a finite number/],
    [{ big: 1n }, 'args.big', /bigint/],
    [{ entry: new (class LogEntry { term = 1 })() }, 'args.entry', /instance of class LogEntry/],
  ])('Codec: rejects %o naming the field path', (value, path, problem) => {
    try {
      encode(value, 'args');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CodecError);
      expect((error as CodecError).path).toBe(path);
      expect((error as Error).message).toMatch(problem);
    }
  });

  it('Codec: rejects cycles', () => {
    const value: Record<string, unknown> = { a: { b: {} } };
    (value.a as Record<string, Record<string, unknown>>).b!.c = value;
    expect(() => encode(value, 'reply')).toThrow(/reply\.a\.b\.c: .*cycle/);
  });

  it('Codec: copies, so sender and receiver never share objects', () => {
    const value = { log: [{ term: 1, command: 'x' }] };
    const copy = roundTrip(value, 'args');
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
    expect(copy.log[0]).not.toBe(value.log[0]);
  });

  it('Codec: byte counts are the encoded size, with Uint8Array counted raw', () => {
    expect(encode({ a: 1 }, 'x').bytes).toBe(7);
    expect(encode(new Uint8Array(5000), 'x').bytes).toBe(5000);
    expect(encode({ data: new Uint8Array(300) }, 'x').bytes).toBe('{"data":}'.length + 300);
    expect(encode('héllo', 'x').bytes).toBe(8);
  });

  it('Codec: round-trips any JSON-like value with byte arrays (property)', () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.uint8Array());
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node')), fc.dictionary(fc.string().filter((key) => key !== '__proto__'), tie('node'))),
    })).node;
    fc.assert(
      fc.property(value, (input) => {
        const output = decode(encode(input, 'v'));
        expect(output).toEqual(normaliseNegativeZero(input));
      }),
    );
  });
});

function normaliseNegativeZero(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
  if (Array.isArray(value)) return value.map(normaliseNegativeZero);
  if (value instanceof Uint8Array) return value;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseNegativeZero(v)]));
  return value;
}
