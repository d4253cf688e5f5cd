import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, PreEncoded, decode, encode, plainData, preEncode, preEncodeItems, roundTrip } from 'distlab';

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

describe('Codec: pre-encoded pieces', () => {
  const leaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.uint8Array({ maxLength: 8 }));
  const json = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.array(tie('node')),
      // undefined properties are left out of the text, as JSON.stringify does
      fc.dictionary(fc.string().filter((key) => key !== '__proto__'), fc.option(tie('node'), { nil: undefined, freq: 4 })),
    ),
  })).node;

  it('Codec: a value with pieces encodes to the same text, bytes and tags as the plain value (property)', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 1, max: 2 ** 30 }), (plain, seed) => {
        const pieced = withPieces(plain, lcg(seed));
        expect(encode(pieced, 'state')).toEqual(encode(plain, 'state'));
        expect(decode(encode(pieced, 'state'))).toEqual(decode(encode(plain, 'state')));
      }),
      { numRuns: 300 },
    );
  });

  it('Codec: a piece is a copy taken when it was made', () => {
    const log = [{ term: 1, command: 'x' }];
    const piece = preEncode(log, 'log');
    log[0]!.command = 'changed';
    log.push({ term: 2, command: 'y' });
    expect(decode(encode({ log: piece }, 'state'))).toEqual({ log: [{ term: 1, command: 'x' }] });
    expect(piece.bytes).toBe(encode([{ term: 1, command: 'x' }], 'log').bytes);
  });

  it('Codec: runs of items splice into their array; empty runs add nothing', () => {
    const terms = [preEncodeItems([], 'terms'), preEncodeItems([1, 1], 'terms'), preEncodeItems([], 'terms'), 2, preEncodeItems([3], 'terms')];
    expect(encode({ terms }, 'state').text).toBe('{"terms":[1,1,2,3]}');
    expect(encode([preEncodeItems([], 'terms')], 'state').text).toBe('[]');
  });

  it('Codec: a run of items outside an array is refused, naming what to do', () => {
    expect(() => encode({ terms: preEncodeItems([1], 'terms') }, 'state')).toThrow(/state: a run of items \(preEncodeItems\) must be placed inside an array/);
  });

  it('Codec: a piece validates its value when it is made, naming the path', () => {
    expect(() => preEncodeItems([1, { f: () => 1 }], 'state.commands')).toThrow(/state\.commands\[1\]\.f: a function cannot cross/);
  });

  it('Codec: plainData expands pieces for channels that copy objects, and leaves plain values alone', () => {
    const plain = { term: 2, log: [1, 2] };
    expect(plainData(plain, 'state')).toBe(plain);
    const pieced = { term: 2, log: [preEncodeItems([1], 'log'), 2] };
    expect(plainData(pieced, 'state')).toEqual(plain);
    expect(structuredClone(pieced)).not.toEqual(plain); // what the sandbox bridge would have sent
  });

  it('Codec: a PreEncoded not made by preEncode carries nothing and is refused like any class instance', () => {
    expect(() => encode({ forged: new PreEncoded() }, 'args')).toThrow(/args\.forged: an instance of class PreEncoded cannot cross/);
  });
});

/** A small deterministic generator of choices, so a failing property shrinks to a seed. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** `value` with some subtrees replaced by pieces and some array stretches by runs of items. */
function withPieces(value: unknown, random: () => number): unknown {
  if (value === undefined) return value;
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return random() < 0.2 ? preEncode(value, 'leaf') : value;
  if (random() < 0.2) return preEncode(value, 'subtree');
  if (!Array.isArray(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withPieces(item, random)]));
  const out: unknown[] = [];
  let index = 0;
  while (index < value.length) {
    const length = Math.floor(random() * 4);
    if (random() < 0.5) {
      out.push(preEncodeItems(value.slice(index, index + length), 'run'));
      index += length;
    } else out.push(withPieces(value[index++], random));
  }
  if (random() < 0.3) out.push(preEncodeItems([], 'run'));
  return out;
}

function normaliseNegativeZero(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
  if (Array.isArray(value)) return value.map(normaliseNegativeZero);
  if (value instanceof Uint8Array) return value;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseNegativeZero(v)]));
  return value;
}
