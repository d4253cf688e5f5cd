/**
 * The key/value store of the 2024 course layout (`kvsrv`, `kvraft`, `shardkv`): Get, Put, Append,
 * partitioned by key as Porcupine's `models.KvModel` is. A missing key reads as "".
 */
import type { Model } from '../model';
import { stringHash } from '../search';

export type KvInput =
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'append'; readonly key: string; readonly value: string };
/**
 * Get returns the value. Put returns null. Append returns null, or the value before the append
 * when the service reports it (2024 `kvsrv`), which is then checked too.
 */
export type KvOutput = string | null;

/** How a model numbers the keys it meets: states keep values in an array indexed by these numbers. */
interface KeyTable {
  readonly numbers: Map<string, number>;
  readonly names: string[];
  readonly hashes: number[];
}

/**
 * Keys to values, immutable. A missing key and a key whose value is "" are the same.
 *
 * Why not a plain record: the checker steps millions of states and hashes and compares each
 * one. Here a write copies one flat array of values (the model numbers keys in the order it
 * meets them) and updates the hash by the one entry that changed, so a step costs a few
 * pointer copies and no rehashing, and a comparison starts with the hashes. JSON shows the
 * store as a record of its non-empty keys (`toJSON`).
 */
export class KvState {
  /** @internal Built by `kvModel` only: `values[n]` belongs to the key the table numbered n. */
  constructor(
    private readonly table: KeyTable,
    readonly values: readonly string[],
    /** A sum over non-empty entries, so equal stores hash equal whatever order they were written in. */
    readonly hash: number,
  ) {}

  /** The value of `key` ("" when it is absent). */
  get(key: string): string {
    const number = this.table.numbers.get(key);
    return number === undefined ? '' : (this.values[number] ?? '');
  }

  /** The non-empty keys and their values, keys in the order the model first met them. */
  entries(): Array<[string, string]> {
    const entries: Array<[string, string]> = [];
    this.values.forEach((value, number) => {
      if (value !== '') entries.push([this.table.names[number], value]);
    });
    return entries;
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.entries());
  }

  /** This store with the key numbered `number` set to `value` (this store itself if nothing changes). */
  with(number: number, value: string): KvState {
    const old = this.values[number] ?? '';
    if (old === value) return this;
    const values = this.values.slice();
    while (values.length < number) values.push('');
    values[number] = value;
    const hash = (this.hash - entryHash(this.table, number, old) + entryHash(this.table, number, value)) | 0;
    return new KvState(this.table, values, hash);
  }

  /** Same non-empty keys with the same values. */
  equals(other: KvState): boolean {
    if (this === other) return true;
    if (this.hash !== other.hash) return false;
    const length = Math.max(this.values.length, other.values.length);
    for (let number = 0; number < length; number++) if ((this.values[number] ?? '') !== (other.values[number] ?? '')) return false;
    return true;
  }
}

/** One entry's share of a store's hash; values by their length and ends only (`sampledHash`). */
function entryHash(table: KeyTable, number: number, value: string): number {
  return value === '' ? 0 : (Math.imul(table.hashes[number], 31) + sampledHash(value)) | 0;
}

/** The number of `key` in `table`, numbering it now if it is new. */
function keyNumber(table: KeyTable, key: string): number {
  let number = table.numbers.get(key);
  if (number === undefined) {
    number = table.names.length;
    table.numbers.set(key, number);
    table.names.push(key);
    table.hashes.push(stringHash(key));
  }
  return number;
}

/**
 * @example
 * checkLinearizability(kvModel(), history) // each key checked on its own
 */
export function kvModel(): Model<KvState, KvInput, KvOutput> {
  const table: KeyTable = { numbers: new Map(), names: [], hashes: [] };
  return {
    name: 'kv',
    init: () => new KvState(table, [], 0),
    step: (state, input, output) => {
      switch (input.kind) {
        case 'get':
          return { legal: output === undefined || output === state.get(input.key), next: state };
        case 'put':
          return { legal: true, next: state.with(keyNumber(table, input.key), input.value) };
        case 'append': {
          const current = state.get(input.key);
          return {
            legal: output === undefined || output === null || output === current,
            next: state.with(keyNumber(table, input.key), current + input.value),
          };
        }
      }
    },
    equal: (a, b) => a.equals(b),
    hash: (state) => state.hash,
    partitionKey: (input) => input.key,
    forPartition: () => kvKeyModel,
    describeOperation: (input, output) => {
      const shown = output === undefined ? '?' : JSON.stringify(output);
      switch (input.kind) {
        case 'get':
          return `get(${JSON.stringify(input.key)}) -> ${shown}`;
        case 'put':
          return `put(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})`;
        case 'append':
          return `append(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})${output === null ? '' : ` -> ${shown}`}`;
      }
    },
    describeState: (state) => {
      const entries = state.entries();
      return entries.length === 0 ? '{}' : entries.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(' ');
    },
  };
}

/** FNV-1a over the length, the first 8 and the last 24 UTF-16 code units of `text`. */
export function sampledHash(text: string): number {
  const length = text.length;
  if (length <= 32) return stringHash(text);
  let hash = Math.imul(0x811c9dc5 ^ length, 0x01000193);
  for (let i = 0; i < 8; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  for (let i = length - 24; i < length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}

/** One key's worth of the store: the state is the value itself, compared with `===`. */
const kvKeyModel: Model<string, KvInput, KvOutput> = {
  name: 'kv (one key)',
  init: () => '',
  step: (current, input, output) => {
    switch (input.kind) {
      case 'get':
        return { legal: output === undefined || output === current, next: current };
      case 'put':
        return { legal: true, next: input.value };
      case 'append':
        return { legal: output === undefined || output === null || output === current, next: current + input.value };
    }
  },
  hash: sampledHash,
  describeState: (value) => JSON.stringify(value),
};
