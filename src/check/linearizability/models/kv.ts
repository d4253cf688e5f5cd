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

/** Keys to values; a key whose value is "" is absent, so equal stores have equal records. */
export type KvState = Readonly<Record<string, string>>;

/**
 * @example
 * checkLinearizability(kvModel(), history) // each key checked on its own
 */
export function kvModel(): Model<KvState, KvInput, KvOutput> {
  return {
    name: 'kv',
    init: () => ({}),
    step: (state, input, output) => {
      const current = state[input.key] ?? '';
      switch (input.kind) {
        case 'get':
          return { legal: output === undefined || output === current, next: state };
        case 'put':
          return { legal: true, next: withKey(state, input.key, input.value) };
        case 'append':
          return {
            legal: output === undefined || output === null || output === current,
            next: withKey(state, input.key, current + input.value),
          };
      }
    },
    equal: sameRecord,
    hash: recordHash,
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
    describeState: (state) =>
      Object.keys(state).length === 0
        ? '{}'
        : Object.entries(state)
            .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
            .join(' '),
  };
}

function withKey(state: KvState, key: string, value: string): KvState {
  const next: Record<string, string> = { ...state };
  if (value === '') delete next[key];
  else next[key] = value;
  return next;
}

/** Called by the checker on every memo hit, so it allocates nothing (no `Object.keys`). */
function sameRecord(a: KvState, b: KvState): boolean {
  if (a === b) return true;
  let count = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    count++;
  }
  for (const key in b) if (--count < 0) return false;
  return true;
}

/**
 * Order-independent: a sum over entries, so no sorting per step. Values are hashed by their
 * length and ends only (`sampledHash`): appends make them long, and equal values still hash
 * equal, which is all the memo table needs.
 */
function recordHash(state: KvState): number {
  let hash = 0;
  for (const key in state) hash = (hash + Math.imul(stringHash(key), 31) + sampledHash(state[key])) | 0;
  return hash;
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
