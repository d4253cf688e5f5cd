/**
 * The search at the heart of the checker: Wing and Gong's backtracking over the entry list
 * with Lowe's improvements, as Porcupine implements it.
 *
 * - The history is a doubly linked list of call and return entries in time order.
 * - Linearizing an operation "lifts" its call and return out of the list, so the next candidate
 *   is always found by walking from the head: an operation is a candidate exactly when its call
 *   comes before the first remaining return.
 * - Hitting a return entry means the operation it belongs to cannot be placed any later: undo the
 *   last choice (backtrack) and try the next candidate.
 * - A memo table of (set of linearized operations, model state) pairs prunes every configuration
 *   already explored; this is what turns an exponential search into a practical one.
 *
 * Pure and synchronous; the only impurity is reading a clock for the time budget, which is what
 * a budget means (this is the checker, not simulated code).
 */
import type { Operation } from './history';
import type { AnyModel } from './model';

/** How one partition's search ended. */
export type SearchOutcome =
  | { readonly verdict: 'ok'; readonly linearization: readonly number[]; readonly steps: number }
  | {
      readonly verdict: 'illegal';
      /** Operation ids of the longest linearizable prefix found, in linearization order. */
      readonly longestPrefix: readonly number[];
      /** The operation that could not be placed after that prefix. */
      readonly culprit: number;
      readonly steps: number;
    }
  | { readonly verdict: 'unknown'; readonly longestPrefix: readonly number[]; readonly steps: number; readonly reason: string };

/** When to give up. Both limits are checked; whichever comes first wins. */
export interface SearchBudget {
  /** Absolute deadline on `clock()`'s scale. */
  readonly deadlineMs: number;
  /** Search steps (one step = one candidate tried or one backtrack); `Infinity` for no limit. */
  readonly stepsMax: number;
  readonly clock: () => number;
}

/** How many steps pass between clock reads (a clock read costs more than a step). */
export const stepsPerClockRead = 1024;

interface Entry {
  /** Operation index within the partition, or -1 for the list head. */
  readonly op: number;
  readonly isCall: boolean;
  /** For a call: its return entry. For a return: its call entry. */
  match: Entry | null;
  prev: Entry | null;
  next: Entry | null;
}

interface MemoEntry {
  readonly bits: Uint32Array;
  readonly state: unknown;
}

/**
 * Searches for a linearization of `operations` (one partition) under `model`.
 * Operation ids in the outcome are the operations' own `id` fields. `memoise: false` turns the
 * memo table off (plain Wing-Gong with lifting), which exists only to measure what the table buys.
 */
export function searchLinearization(model: AnyModel, operations: readonly Operation[], budget: SearchBudget, memoise = true): SearchOutcome {
  const count = operations.length;
  if (count === 0) return { verdict: 'ok', linearization: [], steps: 0 };
  const head = buildEntryList(operations);
  const equal = model.equal ? model.equal.bind(model) : (a: unknown, b: unknown) => a === b;
  const hashState = stateHasher(model);
  const zobrist = zobristKeys(count);
  const memo = new Map<number, MemoEntry[]>();
  const bits = new Uint32Array((count + 31) >>> 5);
  let bitsHash = 0;
  // The stack of choices is a cons list so that remembering the longest prefix is O(1).
  let top: Frame | null = null;
  let depth = 0;
  let state: unknown = model.init();
  let longest: Frame | null = null;
  let longestDepth = 0;
  let culprit = -1;
  let steps = 0;
  let entry = head.next as Entry;
  const idsOf = (frame: Frame | null): number[] => framesToIds(frame, operations);

  while (head.next !== null) {
    steps++;
    if ((steps & (stepsPerClockRead - 1)) === 0 || steps > budget.stepsMax) {
      const reason = budgetExhausted(budget, steps);
      if (reason !== null) return { verdict: 'unknown', longestPrefix: idsOf(longest), steps, reason };
    }
    if (entry.isCall) {
      const operation = operations[entry.op];
      const result = model.step(state, operation.input, operation.output);
      if (result.legal) {
        const word = entry.op >>> 5;
        const mask = 1 << (entry.op & 31);
        bits[word] |= mask;
        const nextHash = bitsHash ^ zobrist[entry.op];
        if (!memoise || memoInsert(memo, bits, nextHash, result.next, hashState, equal)) {
          top = { entry, state, parent: top };
          depth++;
          state = result.next;
          bitsHash = nextHash;
          lift(entry);
          if (depth > longestDepth) {
            longest = top;
            longestDepth = depth;
            culprit = -1;
          }
          entry = head.next as Entry;
          continue;
        }
        bits[word] &= ~mask;
      }
      entry = entry.next as Entry;
      continue;
    }
    // A return entry: its operation had to be linearized before here. Backtrack.
    if (culprit < 0 && depth === longestDepth) culprit = operations[entry.op].id;
    const frame: Frame | null = top;
    if (frame === null) {
      return { verdict: 'illegal', longestPrefix: idsOf(longest), culprit: culprit >= 0 ? culprit : operations[entry.op].id, steps };
    }
    top = frame.parent;
    depth--;
    bits[frame.entry.op >>> 5] &= ~(1 << (frame.entry.op & 31));
    bitsHash ^= zobrist[frame.entry.op];
    state = frame.state;
    unlift(frame.entry);
    entry = frame.entry.next as Entry;
  }
  return { verdict: 'ok', linearization: idsOf(top), steps };
}

/** One choice: the operation linearized and the state before it. */
interface Frame {
  readonly entry: Entry;
  readonly state: unknown;
  readonly parent: Frame | null;
}

function framesToIds(frame: Frame | null, operations: readonly Operation[]): number[] {
  const ids: number[] = [];
  for (let at = frame; at !== null; at = at.parent) ids.push(operations[at.entry.op].id);
  return ids.reverse();
}

function budgetExhausted(budget: SearchBudget, steps: number): string | null {
  if (steps > budget.stepsMax) return `search stopped after stepsMax=${budget.stepsMax} steps`;
  if (budget.clock() > budget.deadlineMs) return 'time budget ran out';
  return null;
}

/** Call and return entries in time order; on equal times calls first (intervals are closed). */
function buildEntryList(operations: readonly Operation[]): Entry {
  const entries: { entry: Entry; time: number }[] = [];
  operations.forEach((operation, op) => {
    const call: Entry = { op, isCall: true, match: null, prev: null, next: null };
    const ret: Entry = { op, isCall: false, match: call, prev: null, next: null };
    call.match = ret;
    entries.push({ entry: call, time: operation.callMs }, { entry: ret, time: operation.returnMs });
  });
  entries.sort(
    (a, b) =>
      a.time - b.time ||
      (a.time === b.time && a.entry.isCall !== b.entry.isCall ? (a.entry.isCall ? -1 : 1) : 0) ||
      a.entry.op - b.entry.op,
  );
  const head: Entry = { op: -1, isCall: false, match: null, prev: null, next: null };
  let last = head;
  for (const { entry } of entries) {
    last.next = entry;
    entry.prev = last;
    last = entry;
  }
  return head;
}

/** Removes a call entry and its return entry from the list (they stay linked to their neighbours). */
function lift(call: Entry): void {
  const ret = call.match as Entry;
  (call.prev as Entry).next = call.next;
  if (call.next) call.next.prev = call.prev;
  (ret.prev as Entry).next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

/** Undoes `lift`; entries must be restored in the reverse order they were lifted. */
function unlift(call: Entry): void {
  const ret = call.match as Entry;
  (ret.prev as Entry).next = ret;
  if (ret.next) ret.next.prev = ret;
  (call.prev as Entry).next = call;
  if (call.next) call.next.prev = call;
}

/** Adds (bits, state) to the memo table; false when it was already there (already explored). */
function memoInsert(
  memo: Map<number, MemoEntry[]>,
  bits: Uint32Array,
  bitsHash: number,
  state: unknown,
  hashState: (state: unknown) => number,
  equal: (a: unknown, b: unknown) => boolean,
): boolean {
  const key = (bitsHash ^ Math.imul(hashState(state), 0x9e3779b1)) | 0;
  const bucket = memo.get(key);
  if (bucket === undefined) {
    memo.set(key, [{ bits: bits.slice(), state }]);
    return true;
  }
  for (const seen of bucket) {
    if (sameBits(seen.bits, bits) && equal(seen.state, state)) return false;
  }
  bucket.push({ bits: bits.slice(), state });
  return true;
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function stateHasher(model: AnyModel): (state: unknown) => number {
  const hash = model.hash;
  if (hash === undefined) {
    // Without a model hash, primitives still hash by value; other states share one bucket chain.
    return (state) => (typeof state === 'number' ? state | 0 : typeof state === 'string' ? stringHash(state) : 0);
  }
  return (state) => {
    const value = hash.call(model, state);
    return typeof value === 'number' ? value | 0 : stringHash(value);
  };
}

/** FNV-1a over UTF-16 code units. */
export function stringHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** Deterministic pseudo-random keys (splitmix32), one per operation, XORed into the set hash. */
function zobristKeys(count: number): Int32Array {
  const keys = new Int32Array(count);
  let seed = 0x2545f491;
  for (let i = 0; i < count; i++) {
    seed = (seed + 0x9e3779b9) | 0;
    let z = seed;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    keys[i] = z ^ (z >>> 16);
  }
  return keys;
}
