/**
 * The versioned key/value store of the 2025/2026 course layout (`kvsrv1`, `kvraft1`, `shardkv1`):
 * Put(key, value, version) succeeds only when `version` equals the stored version (0 creates
 * the key), and bumps the version. Mirrors Porcupine's `models1.KvModel`, slightly stricter:
 * a Get's version and ErrNoKey are checked too (the course model compares only the value).
 */
import type { Model } from '../model';
import { stringHash } from '../search';

export type KvVersionedInput =
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'put'; readonly key: string; readonly value: string; readonly version: number };

export type PutError = 'OK' | 'ErrVersion' | 'ErrNoKey' | 'ErrMaybe';
export interface GetReply {
  readonly value: string;
  readonly version: number;
  readonly err: 'OK' | 'ErrNoKey';
}
/** A Get returns a `GetReply`, a Put one of the `PutError` strings. */
export type KvVersionedOutput = GetReply | PutError;

/** A stored value and its version; absent keys have version 0 and value "". */
export interface VersionedValue {
  readonly value: string;
  readonly version: number;
}
export type KvVersionedState = Readonly<Record<string, VersionedValue>>;

const absent: VersionedValue = { value: '', version: 0 };

/**
 * ErrMaybe (the clerk's "a retransmitted Put got ErrVersion") is legal either way: the Put took
 * effect if and only if the version matched where it is linearized.
 *
 * @example
 * checkLinearizability(kvVersionedModel(), history, { timeoutMs: 1000 })
 */
export function kvVersionedModel(): Model<KvVersionedState, KvVersionedInput, KvVersionedOutput> {
  return {
    name: 'kv-versioned',
    init: () => ({}),
    step: (state, input, output) => {
      const current = state[input.key] ?? absent;
      if (input.kind === 'get') return { legal: output === undefined || getMatches(current, output), next: state };
      const next = { ...state, [input.key]: { value: input.value, version: current.version + 1 } };
      if (current.version === input.version) return { legal: putAllowed(output, 'OK'), next };
      return { legal: putAllowed(output, current.version === 0 ? 'ErrNoKey' : 'ErrVersion'), next: state };
    },
    equal: sameState,
    hash: stateHash,
    partitionKey: (input) => input.key,
    forPartition: () => kvVersionedKeyModel,
    describeOperation: (input, output) => {
      if (input.kind === 'put') {
        return `put(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)}, v${input.version}) -> ${output ?? '?'}`;
      }
      if (output === undefined || typeof output === 'string') return `get(${JSON.stringify(input.key)}) -> ?`;
      const shown = output.err === 'ErrNoKey' ? 'ErrNoKey' : `${JSON.stringify(output.value)} v${output.version}`;
      return `get(${JSON.stringify(input.key)}) -> ${shown}`;
    },
    describeState: (state) =>
      Object.entries(state)
        .map(([key, entry]) => `${key}=${JSON.stringify(entry.value)} v${entry.version}`)
        .join(' ') || '{}',
  };
}

function getMatches(current: VersionedValue, output: KvVersionedOutput): boolean {
  if (typeof output === 'string') return false;
  if (output.err === 'ErrNoKey') return current.version === 0;
  return output.value === current.value && output.version === current.version;
}

function putAllowed(output: KvVersionedOutput | undefined, expected: PutError): boolean {
  return output === undefined || output === 'ErrMaybe' || output === expected;
}

function sameState(a: KvVersionedState, b: KvVersionedState): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    const left = a[key];
    const right = b[key];
    if (right === undefined || left.version !== right.version || left.value !== right.value) return false;
  }
  return true;
}

function stateHash(state: KvVersionedState): number {
  let hash = 0;
  for (const key in state) {
    const entry = state[key];
    hash = (hash + Math.imul(stringHash(key), 31) + stringHash(entry.value) + Math.imul(entry.version, 0x9e3779b1)) | 0;
  }
  return hash;
}

/** One key's worth of the store: its value and version. */
const kvVersionedKeyModel: Model<VersionedValue, KvVersionedInput, KvVersionedOutput> = {
  name: 'kv-versioned (one key)',
  init: () => absent,
  step: (current, input, output) => {
    if (input.kind === 'get') return { legal: output === undefined || getMatches(current, output), next: current };
    if (current.version === input.version) return { legal: putAllowed(output, 'OK'), next: { value: input.value, version: current.version + 1 } };
    return { legal: putAllowed(output, current.version === 0 ? 'ErrNoKey' : 'ErrVersion'), next: current };
  },
  equal: (a, b) => a.version === b.version && a.value === b.value,
  hash: (entry) => (stringHash(entry.value) + Math.imul(entry.version, 0x9e3779b1)) | 0,
  describeState: (entry) => (entry.version === 0 ? 'no value (ErrNoKey)' : `${JSON.stringify(entry.value)} v${entry.version}`),
};
