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
  const walk = new Walk();
  walk.visit(value, root, 0);
  if (value === undefined) throw new CodecError(root, 'undefined is not a value; send null or omit it');
  const text = walk.byteArrays === 0 ? JSON.stringify(value) : JSON.stringify(value, replacer);
  const bytes = Buffer.byteLength(text, 'utf8') - walk.byteOverhead;
  if (bytes > limits.payloadBytesMax) {
    throw new CodecError(root, `encoded size ${bytes} bytes exceeds payloadBytesMax (${limits.payloadBytesMax})`);
  }
  return { text, bytes, hasBytes: walk.byteArrays > 0 };
}

export function decode<T = unknown>(encoded: Encoded): T {
  return (encoded.hasBytes ? JSON.parse(encoded.text, reviver) : JSON.parse(encoded.text)) as T;
}

/** A deep copy through the codec: what the receiver of `value` would get. */
export function roundTrip<T>(value: T, root: string): T {
  return decode<T>(encode(value, root));
}

class Walk {
  byteArrays = 0;
  byteOverhead = 0;
  private readonly ancestors: object[] = [];

  visit(value: unknown, path: string, depth: number): void {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(value)) throw new CodecError(path, `${value} is not a finite number (JSON cannot carry it)`);
        return;
      case 'undefined':
        return; // only reached for object properties; arrays check explicitly
      case 'bigint':
        throw new CodecError(path, 'bigint is not supported; send a number or a decimal string');
      case 'function':
        throw new CodecError(path, 'a function cannot cross the network; send data, not behaviour');
      case 'symbol':
        throw new CodecError(path, 'a symbol cannot cross the network');
      case 'object':
        this.visitObject(value, path, depth);
        return;
    }
  }

  private visitObject(value: object | null, path: string, depth: number): void {
    if (value === null) return;
    if (depth >= limits.codecDepthMax) throw new CodecError(path, `nesting deeper than codecDepthMax (${limits.codecDepthMax})`);
    if (this.ancestors.includes(value)) throw new CodecError(path, 'the value contains a cycle (it refers to itself)');
    if (value instanceof Uint8Array) {
      if (value.constructor !== Uint8Array && !(value instanceof Buffer)) {
        throw new CodecError(path, `${value.constructor.name} is not supported; use a Uint8Array`);
      }
      this.byteArrays++;
      // {"$bytes":"<base64>"} on the wire counts as the raw length.
      this.byteOverhead += 13 + 4 * Math.ceil(value.length / 3) - value.length;
      return;
    }
    this.ancestors.push(value);
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        if (item === undefined) {
          throw new CodecError(`${path}[${index}]`, 'undefined (or a hole) inside an array does not survive the network; use null');
        }
        this.visit(item, `${path}[${index}]`, depth + 1);
      }
    } else {
      const prototype = Object.getPrototypeOf(value) as object | null;
      if (prototype !== Object.prototype && prototype !== null) {
        const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
        throw new CodecError(path, describeInstance(name));
      }
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === bytesTag) throw new CodecError(path, `an object whose only key is "${bytesTag}" is reserved for byte arrays; rename the key`);
      for (const key of keys) {
        this.visit((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
      }
      if (Object.getOwnPropertySymbols(value).length > 0) {
        throw new CodecError(path, 'symbol-keyed properties cannot cross the network');
      }
    }
    this.ancestors.pop();
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
