import { CodecError } from './errors';
import { limits } from './limits';

/**
 * The wire codec. Every request, reply, message and persisted value is encoded at the sender
 * and decoded at the receiver, so the two never share an object (the Go labs' labgob plays this
 * role). Values that would not survive a real network are rejected with an error naming the
 * field path, the way labgob warns about lower-case field names.
 *
 * Accepted: null, booleans, finite numbers, strings, arrays, plain objects, Uint8Array.
 * Object properties whose value is `undefined` are omitted (as JSON does); everything else,
 * such as functions, symbols, bigint, NaN, undefined inside arrays, Map, Set, Date, class
 * instances and cycles, is rejected.
 *
 * Example: `const wire = encode({ term: 3 }, 'args'); decode(wire) // a fresh { term: 3 }`.
 */
export interface Encoded {
  readonly text: string;
  /** Size on the wire: the JSON text, counting each Uint8Array as its raw length. */
  readonly bytes: number;
  /** True when the text contains tagged byte arrays and needs the reviver to decode. */
  readonly hasBytes: boolean;
}

const bytesTag = '$bytes';

export function encode(value: unknown, root: string): Encoded {
  if (isPlainJson(value, 0)) return sized(JSON.stringify(value), 0, false, root);
  const walk = new Walk(root);
  walk.visit(value);
  if (value === undefined) throw new CodecError(root, 'undefined is not a value; send null or omit it');
  if (walk.preEncoded > 0) return composed(value, walk, root);
  const text = walk.byteArrays === 0 ? JSON.stringify(value) : JSON.stringify(value, replacer);
  return sized(text, walk.byteOverhead, walk.byteArrays > 0, root);
}

/**
 * A value encoded once, now, and embedded verbatim wherever it appears inside a value encoded
 * later, so a save or a send re-encodes only what is not already pre-encoded. The text is
 * exactly what encoding the plain value gives (same bytes, same sizes, same trace); the
 * receiver, or `readState`, gets plain data. It is a copy: later changes to the original value
 * are not seen. Build one with `preEncode` (a whole value) or `preEncodeItems` (a run of array
 * items, spliced into the array it is placed in).
 *
 * Why: Raft saves its whole log before every reply, and encoding n entries on each of n saves
 * is quadratic. Keeping the settled part of the log as runs encoded once makes a save cost
 * about what changed (the reference Raft does this, grading/solutions/raft/raft.ts `persist`).
 *
 * Example: `const run = preEncodeItems(terms.slice(0, 64), 'terms');`
 * `encode({ terms: [run, ...terms.slice(64)] }, 'state')` is the text of `encode({ terms }, 'state')`.
 */
export class PreEncoded {
  /** Size on the wire, as `Encoded.bytes` (for a run of items: without the brackets). */
  get bytes(): number {
    return pieceOf(this)?.bytes ?? 0;
  }
}

interface Piece extends Encoded {
  /** `items`: a run of array items (`preEncodeItems`), whose text has no brackets. */
  readonly kind: 'value' | 'items';
  /** A run of no items: it adds nothing, not even a comma. */
  readonly empty: boolean;
}

/**
 * The encodings of genuine pieces, kept out of reach: a `PreEncoded` built by hand (not by
 * `preEncode`) has none and is rejected like any class instance, so no code can slip arbitrary
 * text into another node's JSON.
 */
const pieces = new WeakMap<PreEncoded, Piece>();

function pieceOf(value: object): Piece | undefined {
  return value instanceof PreEncoded ? pieces.get(value) : undefined;
}

function newPiece(piece: Piece): PreEncoded {
  const value = Object.freeze(new PreEncoded());
  pieces.set(value, piece);
  return value;
}

/** Encodes `value` once (validated like any value; `root` names it in errors) for reuse. */
export function preEncode(value: unknown, root: string): PreEncoded {
  if (value instanceof PreEncoded && pieceOf(value)?.kind === 'value') return value;
  return newPiece({ ...encode(value, root), kind: 'value', empty: false });
}

/**
 * Encodes a run of array items once. Placed as an item of an array being encoded, it stands for
 * its items: `[run(a, b), c]` encodes as `[a, b, c]`. Anywhere else it is a `CodecError`.
 */
export function preEncodeItems(items: readonly unknown[], root: string): PreEncoded {
  const encoded = encode(items, root);
  const text = encoded.text.slice(1, -1);
  return newPiece({ text, bytes: encoded.bytes - 2, hasBytes: encoded.hasBytes, kind: 'items', empty: text === '' });
}

/**
 * Encodes a value that contains `PreEncoded` pieces, writing the JSON by hand around them in
 * JSON.stringify's order (own keys in insertion order, `undefined` properties left out), so the
 * text equals what the plain value encodes to. Whatever holds no piece goes through
 * JSON.stringify whole (a stretch of plain array items in one call); only the text outside the
 * pieces is measured.
 */
function composed(value: unknown, walk: Walk, root: string): Encoded {
  const composer = new Composer(walk, root);
  composer.write(value, false);
  return composer.result();
}

class Composer {
  private readonly texts: string[] = [];
  private readonly outside: string[] = [];
  private pieceBytes = 0;
  private hasBytes: boolean;

  constructor(
    private readonly walk: Walk,
    private readonly root: string,
  ) {
    this.hasBytes = walk.byteArrays > 0;
  }

  result(): Encoded {
    const bytes = Buffer.byteLength(this.outside.join(''), 'utf8') - this.walk.byteOverhead + this.pieceBytes;
    return checked(this.texts.join(''), bytes, this.hasBytes, this.root);
  }

  write(item: unknown, inArray: boolean): void {
    const piece = typeof item === 'object' && item !== null ? pieceOf(item) : undefined;
    if (piece?.kind === 'items' && !inArray) throw new CodecError(this.root, 'a run of items (preEncodeItems) must be placed inside an array');
    if (piece !== undefined) this.putPiece(piece);
    else if (!this.holds(item)) this.put(this.stringify(item));
    else if (Array.isArray(item)) this.writeArray(item);
    else this.writeRecord(item as Record<string, unknown>);
  }

  private writeArray(array: readonly unknown[]): void {
    this.put('[');
    let empty = true;
    for (let index = 0; index < array.length; ) {
      const item = array[index];
      const piece = typeof item === 'object' && item !== null ? pieceOf(item) : undefined;
      if (piece?.empty === true) {
        index++;
        continue;
      }
      if (!empty) this.put(',');
      empty = false;
      if (piece !== undefined || this.holds(item)) {
        this.write(item, true);
        index++;
        continue;
      }
      // A stretch of plain items: one JSON.stringify for all of them, brackets removed.
      let end = index + 1;
      while (end < array.length && !this.special(array[end])) end++;
      this.put(this.stringify(array.slice(index, end)).slice(1, -1));
      index = end;
    }
    this.put(']');
  }

  private writeRecord(record: Record<string, unknown>): void {
    this.put('{');
    let empty = true;
    for (const key of Object.keys(record)) {
      if (record[key] === undefined) continue;
      this.put(`${empty ? '' : ','}${JSON.stringify(key)}:`);
      empty = false;
      this.write(record[key], false);
    }
    this.put('}');
  }

  /** Whether `item` is an array or object with a piece inside (found by the walk). */
  private holds(item: unknown): boolean {
    return typeof item === 'object' && item !== null && this.walk.holders.has(item);
  }

  private special(item: unknown): boolean {
    return typeof item === 'object' && item !== null && (this.walk.holders.has(item) || pieceOf(item) !== undefined);
  }

  private stringify(item: unknown): string {
    return this.walk.byteArrays === 0 ? JSON.stringify(item) : JSON.stringify(item, replacer);
  }

  private put(text: string): void {
    this.texts.push(text);
    this.outside.push(text);
  }

  private putPiece(piece: Piece): void {
    this.texts.push(piece.text);
    this.pieceBytes += piece.bytes;
    if (piece.hasBytes) this.hasBytes = true;
  }
}

function sized(text: string, byteOverhead: number, hasBytes: boolean, root: string): Encoded {
  return checked(text, Buffer.byteLength(text, 'utf8') - byteOverhead, hasBytes, root);
}

function checked(text: string, bytes: number, hasBytes: boolean, root: string): Encoded {
  if (bytes > limits.payloadBytesMax) {
    throw new CodecError(root, `encoded size ${bytes} bytes exceeds payloadBytesMax (${limits.payloadBytesMax})`);
  }
  return { text, bytes, hasBytes };
}

/**
 * The fast path: true when `value` is made only of null, booleans, finite numbers, strings,
 * arrays without holes and plain objects, so that JSON carries it unchanged. It keeps no path
 * and no ancestor list; anything else (byte arrays, cycles, which show up as depth, and every
 * value the codec rejects) answers false and goes through `Walk`, which explains the problem.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  if (typeof value !== 'object') return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
  if (value === null) return true;
  if (depth >= limits.codecDepthMax) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item)) || typeof item === 'boolean' || item === null) continue;
      if (typeof item !== 'object' || !isPlainJson(item, depth + 1)) return false;
    }
    return true;
  }
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype !== Object.prototype && prototype !== null) return false;
  let count = 0;
  for (const key in value) {
    count++;
    const item: unknown = (value as Record<string, unknown>)[key];
    if (typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item)) || typeof item === 'boolean' || item === null || item === undefined) continue;
    if (typeof item !== 'object' || !isPlainJson(item, depth + 1)) return false;
  }
  if (count === 1 && (value as Record<string, unknown>)[bytesTag] !== undefined) return false;
  return Object.getOwnPropertySymbols(value).length === 0;
}

/**
 * `value` as plain data, for channels that copy objects instead of encoding them (the sandbox
 * bridge's structured clone would turn a `PreEncoded` piece into `{}`): the value itself when it
 * is plain JSON, else its decoded copy (pieces expanded, byte arrays fresh).
 */
export function plainData(value: unknown, root: string): unknown {
  return isPlainJson(value, 0) ? value : decode(encode(value, root));
}

export function decode<T = unknown>(encoded: Encoded): T {
  return (encoded.hasBytes ? JSON.parse(encoded.text, reviver) : JSON.parse(encoded.text)) as T;
}

/** A deep copy through the codec: what the receiver of `value` would get. */
export function roundTrip<T>(value: T, root: string): T {
  return decode<T>(encode(value, root));
}

/**
 * Validates a value and measures its byte arrays. The field path is kept as a stack of keys and
 * turned into a string only when something is wrong: building it eagerly dominated the cost.
 */
class Walk {
  byteArrays = 0;
  /** `PreEncoded` pieces met (validated when they were made, so not walked again). */
  preEncoded = 0;
  /** The arrays and objects that hold a piece somewhere inside (the rest is plain JSON). */
  readonly holders = new Set<object>();
  byteOverhead = 0;
  private readonly ancestors: object[] = [];
  private readonly keys: Array<string | number> = [];

  constructor(private readonly root: string) {}

  fail(problem: string): never {
    let path = this.root;
    for (const key of this.keys) path += typeof key === 'number' ? `[${key}]` : `.${key}`;
    throw new CodecError(path, problem);
  }

  visit(value: unknown): void {
    switch (typeof value) {
      case 'string':
      case 'boolean':
      case 'undefined': // only reached for object properties; arrays check explicitly
        return;
      case 'number':
        if (!Number.isFinite(value)) this.fail(`${value} is not a finite number (JSON cannot carry it)`);
        return;
      case 'bigint':
        return this.fail('bigint is not supported; send a number or a decimal string');
      case 'function':
        return this.fail('a function cannot cross the network; send data, not behaviour');
      case 'symbol':
        return this.fail('a symbol cannot cross the network');
      case 'object':
        if (value !== null) this.visitObject(value);
        return;
    }
  }

  private visitObject(value: object): void {
    if (this.ancestors.length >= limits.codecDepthMax) this.fail(`nesting deeper than codecDepthMax (${limits.codecDepthMax})`);
    if (pieceOf(value) !== undefined) {
      this.preEncoded++;
      for (let index = this.ancestors.length - 1; index >= 0 && !this.holders.has(this.ancestors[index]); index--) this.holders.add(this.ancestors[index]);
      return;
    }
    if (this.ancestors.includes(value)) this.fail('the value contains a cycle (it refers to itself)');
    if (value instanceof Uint8Array) return this.visitBytes(value);
    this.ancestors.push(value);
    if (Array.isArray(value)) this.visitArray(value);
    else this.visitRecord(value);
    this.ancestors.pop();
  }

  private visitBytes(value: Uint8Array): void {
    if (value.constructor !== Uint8Array && !(value instanceof Buffer)) this.fail(`${value.constructor.name} is not supported; use a Uint8Array`);
    this.byteArrays++;
    // {"$bytes":"<base64>"} on the wire counts as the raw length.
    this.byteOverhead += 13 + 4 * Math.ceil(value.length / 3) - value.length;
  }

  private visitArray(value: readonly unknown[]): void {
    const keys = this.keys;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      // Strings and finite numbers are most of every payload: skip the call for them.
      if (typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item))) continue;
      keys.push(index);
      if (item === undefined) this.fail('undefined (or a hole) inside an array does not survive the network; use null');
      this.visit(item);
      keys.pop();
    }
  }

  private visitRecord(value: object): void {
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (prototype !== Object.prototype && prototype !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      this.fail(describeInstance(name));
    }
    const keys = this.keys;
    let count = 0;
    for (const key in value) {
      count++;
      const item: unknown = (value as Record<string, unknown>)[key];
      if (typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item))) continue;
      keys.push(key);
      this.visit(item);
      keys.pop();
    }
    if (count === 1 && (value as Record<string, unknown>)[bytesTag] !== undefined) {
      this.fail(`an object whose only key is "${bytesTag}" is reserved for byte arrays; rename the key`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) this.fail('symbol-keyed properties cannot cross the network');
  }
}

function describeInstance(name: string): string {
  switch (name) {
    case 'Map':
      return 'a Map cannot cross the network; use a plain object or an array of [key, value] pairs';
    case 'Set':
      return 'a Set cannot cross the network; use an array';
    case 'Date':
      return 'a Date cannot cross the network; send a number (virtual ms from ctx.now())';
    default:
      return `an instance of class ${name} cannot cross the network (its methods would be lost); send a plain object`;
  }
}

function replacer(this: unknown, key: string, value: unknown): unknown {
  // Buffer#toJSON runs before the replacer, so look at the original value in its holder.
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) value = original;
  if (value instanceof Uint8Array) return { [bytesTag]: Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64') };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const tagged = (value as Record<string, unknown>)[bytesTag];
    if (typeof tagged === 'string' && Object.keys(value).length === 1) return new Uint8Array(Buffer.from(tagged, 'base64'));
  }
  return value;
}
