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
import { MemoTable } from './memo-table';

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

/**
 * The entry list as two typed arrays indexed by entry: the call of operation `op` is entry
 * `2 * op`, its return `2 * op + 1`, and entry `2 * count` is the list head; -1 ends the list.
 * Lifting and unlifting touch four integers and allocate nothing.
 */
interface EntryList {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly head: number;
}

/**
 * The search's mutable state: the stack of choices as parallel arrays (operation, state before
 * it, that state's hash), the linearized set as a bitset with its Zobrist hash, and the longest
 * prefix seen, kept up to date incrementally.
 */
class SearchState {
  readonly ops: Int32Array;
  readonly statesBefore: unknown[];
  readonly hashesBefore: Int32Array;
  readonly bits: Uint32Array;
  depth = 0;
  state: unknown;
  stateHash: number;
  bitsHash = 0;
  /** The longest prefix so far (operation indices), and how deep it goes. */
  readonly longest: Int32Array;
  longestDepth = 0;
  /** `longest[0..stableDepth)` still equals `ops[0..stableDepth)`: the part not yet backtracked over. */
  stableDepth = 0;
  culprit = -1;
  /** Words of `bits` below `low` are all ones, words from `high` on all zeros (the memo stores only the window). */
  low = 0;
  high = 0;

  constructor(count: number, initial: unknown, initialHash: number) {
    this.ops = new Int32Array(count);
    this.statesBefore = new Array<unknown>(count).fill(undefined);
    this.hashesBefore = new Int32Array(count);
    this.bits = new Uint32Array((count + 31) >>> 5);
    this.longest = new Int32Array(count);
    this.state = initial;
    this.stateHash = initialHash;
  }

  push(op: number, next: unknown, nextHash: number, zobrist: number): void {
    const depth = this.depth;
    this.ops[depth] = op;
    this.statesBefore[depth] = this.state;
    this.hashesBefore[depth] = this.stateHash;
    this.depth = depth + 1;
    this.state = next;
    this.stateHash = nextHash;
    this.bitsHash ^= zobrist;
    if (this.depth > this.longestDepth) {
      this.longest.set(this.ops.subarray(this.stableDepth, this.depth), this.stableDepth);
      this.longestDepth = this.depth;
      this.stableDepth = this.depth;
      this.culprit = -1;
    }
  }

  /** Adds `op` to the linearized set (before the memo is asked; `clearBit` undoes it). */
  setBit(op: number): void {
    const bits = this.bits;
    const word = op >>> 5;
    bits[word] |= 1 << (op & 31);
    if (word >= this.high) this.high = word + 1;
    while (this.low < bits.length && bits[this.low] === 0xffffffff) this.low++;
  }

  clearBit(op: number): void {
    const bits = this.bits;
    const word = op >>> 5;
    bits[word] &= ~(1 << (op & 31));
    if (word < this.low) this.low = word;
    while (this.high > 0 && bits[this.high - 1] === 0) this.high--;
  }

  /** Undoes the last choice and returns its operation. */
  pop(zobrist: Int32Array): number {
    const depth = --this.depth;
    const op = this.ops[depth];
    this.clearBit(op);
    this.bitsHash ^= zobrist[op];
    this.state = this.statesBefore[depth];
    this.statesBefore[depth] = undefined;
    this.stateHash = this.hashesBefore[depth];
    if (depth < this.stableDepth) this.stableDepth = depth;
    return op;
  }
}

/**
 * Searches for a linearization of `operations` (one partition) under `model`.
 * Operation ids in the outcome are the operations' own `id` fields. `memoise: false` turns the
 * memo table off (plain Wing-Gong with lifting), which exists only to measure what the table buys.
 */
export function searchLinearization(model: AnyModel, history: readonly Operation[], budget: SearchBudget, memoise = true): SearchOutcome {
  const count = history.length;
  if (count === 0) return { verdict: 'ok', linearization: [], steps: 0 };
  // Numbered by call time, the linearized set is a full prefix plus a narrow window (see MemoTable).
  const byCall = Array.from(history.keys()).sort((a, b) => history[a].callMs - history[b].callMs || a - b);
  const operations = byCall.map((index) => history[index]);
  const { next, prev, head } = buildEntryList(operations, Int32Array.from(byCall));
  const hashState = stateHasher(model);
  const zobrist = zobristKeys(count);
  const memo = new MemoTable(model.equal ? model.equal.bind(model) : (a: unknown, b: unknown) => a === b);
  const initial: unknown = model.init();
  const at = new SearchState(count, initial, hashState(initial));
  const ids = (ops: Int32Array, depth: number): number[] => Array.from(ops.subarray(0, depth), (op) => operations[op].id);
  let steps = 0;
  let entry = next[head];
  while (next[head] !== -1) {
    steps++;
    if ((steps & (stepsPerClockRead - 1)) === 0 || steps > budget.stepsMax) {
      const reason = budgetExhausted(budget, steps);
      if (reason !== null) return { verdict: 'unknown', longestPrefix: ids(at.longest, at.longestDepth), steps, reason };
    }
    const op = entry >>> 1;
    if ((entry & 1) === 0) {
      const operation = operations[op];
      const result = model.step(at.state, operation.input, operation.output);
      if (result.legal) {
        at.setBit(op);
        // A step that keeps the state (a read, a failed cas) keeps its hash: no rehashing.
        const nextHash = result.next === at.state ? at.stateHash : hashState(result.next);
        if (!memoise || memo.insert(at.bits, at.low, at.high, at.bitsHash ^ zobrist[op], result.next, nextHash)) {
          at.push(op, result.next, nextHash, zobrist[op]);
          lift(next, prev, entry);
          entry = next[head];
          continue;
        }
        at.clearBit(op);
      }
      entry = next[entry];
      continue;
    }
    // A return entry: its operation had to be linearized before here. Backtrack.
    if (at.culprit < 0 && at.depth === at.longestDepth) at.culprit = operations[op].id;
    if (at.depth === 0) {
      return { verdict: 'illegal', longestPrefix: ids(at.longest, at.longestDepth), culprit: at.culprit >= 0 ? at.culprit : operations[op].id, steps };
    }
    const undone = at.pop(zobrist);
    unlift(next, prev, undone << 1);
    entry = next[undone << 1];
  }
  return { verdict: 'ok', linearization: ids(at.ops, at.depth), steps };
}

function budgetExhausted(budget: SearchBudget, steps: number): string | null {
  if (steps > budget.stepsMax) return `search stopped after stepsMax=${budget.stepsMax} steps`;
  if (budget.clock() > budget.deadlineMs) return 'time budget ran out';
  return null;
}

/**
 * Call and return entries in time order; on equal times calls first (intervals are closed), then
 * by `original` position in the history (so the search explores in the same order however the
 * operations are numbered).
 */
function buildEntryList(operations: readonly Operation[], original: Int32Array): EntryList {
  const count = operations.length;
  const time = (entry: number): number => (entry & 1 ? operations[entry >>> 1].returnMs : operations[entry >>> 1].callMs);
  const order = Array.from({ length: 2 * count }, (_, entry) => entry);
  order.sort((a, b) => time(a) - time(b) || (time(a) === time(b) && (a & 1) !== (b & 1) ? (a & 1 ? 1 : -1) : 0) || original[a >>> 1] - original[b >>> 1]);
  const head = 2 * count;
  const next = new Int32Array(head + 1).fill(-1);
  const prev = new Int32Array(head + 1).fill(-1);
  let last = head;
  for (const entry of order) {
    next[last] = entry;
    prev[entry] = last;
    last = entry;
  }
  return { next, prev, head };
}

/** Removes a call entry and its return entry from the list (they keep pointing at their neighbours). */
function lift(next: Int32Array, prev: Int32Array, call: number): void {
  const ret = call + 1;
  next[prev[call]] = next[call];
  if (next[call] !== -1) prev[next[call]] = prev[call];
  next[prev[ret]] = next[ret];
  if (next[ret] !== -1) prev[next[ret]] = prev[ret];
}

/** Undoes `lift`; entries must be restored in the reverse order they were lifted. */
function unlift(next: Int32Array, prev: Int32Array, call: number): void {
  const ret = call + 1;
  next[prev[ret]] = ret;
  if (next[ret] !== -1) prev[next[ret]] = ret;
  next[prev[call]] = call;
  if (next[call] !== -1) prev[next[call]] = call;
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
