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
  const text = walk.byteArrays === 0 ? JSON.stringify(value) : JSON.stringify(value, replacer);
  return sized(text, walk.byteOverhead, walk.byteArrays > 0, root);
}

function sized(text: string, byteOverhead: number, hasBytes: boolean, root: string): Encoded {
  const bytes = Buffer.byteLength(text, 'utf8') - byteOverhead;
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
