/**
 * The sequential specification a history is checked against. A model is data plus pure
 * functions: the checker calls `step` millions of times while backtracking, so `step` must not
 * mutate `state` (return a new one) and must be deterministic.
 */
import type { Operation } from './history';

/** What `step` says about applying one operation to one state. */
export interface StepResult<S> {
  /** Could the operation have returned `output` when applied to `state`? */
  readonly legal: boolean;
  /** The state after it (ignored when not legal). */
  readonly next: S;
}

/**
 * A sequential object. Contract, in the order the checker relies on it:
 * 1. `init()` returns the state before any operation.
 * 2. `step(state, input, output)` is pure: same arguments, same result; `state` is not mutated.
 * 3. `output` is `undefined` only for an indeterminate operation (outcome unknown): return
 *    `legal: true` and the state as if it took effect. (The checker may also leave it out
 *    entirely, which covers "it never happened".)
 * 4. `equal(a, b)` is true when two states behave the same for every later operation; `hash`
 *    (optional) must agree with it (`equal(a, b)` implies `hash(a) === hash(b)`). Both feed the
 *    memo table that makes the search fast; without them states compare with `===`.
 * 5. `partitionKey(input)` (optional) names the independent sub-object an operation touches
 *    (e.g. the key of a key/value store). Operations on different keys never constrain each other,
 *    so each key is checked alone (P-compositionality), which is exponentially cheaper.
 *
 * @example
 * // A counter with increment (returns nothing) and read (returns the count).
 * type CounterInput = { kind: 'inc' } | { kind: 'read' };
 * const counter: Model<number, CounterInput, number | null> = {
 *   name: 'counter',
 *   init: () => 0,
 *   step: (count, input, output) =>
 *     input.kind === 'inc'
 *       ? { legal: true, next: count + 1 }
 *       : { legal: output === undefined || output === count, next: count },
 *   describeOperation: (input, output) => (input.kind === 'inc' ? 'inc()' : `read() -> ${output}`),
 * };
 */
export interface Model<S, I, O> {
  /** Short name shown in results and the visualization. */
  readonly name: string;
  init(): S;
  step(state: S, input: I, output: O | undefined): StepResult<S>;
  /** State equality for memoisation; defaults to `===`. */
  equal?(a: S, b: S): boolean;
  /** A number or string that equal states share; speeds up the memo table. */
  hash?(state: S): number | string;
  /** The independent sub-object an operation touches; absent means "one object". */
  partitionKey?(input: I): string;
  /**
   * A cheaper model for the operations of one partition (e.g. a single string instead of a map
   * of keys), used instead of this one when the history is partitioned. It must accept the same
   * inputs and outputs and agree with this model on them.
   */
  forPartition?(key: string): Model<unknown, I, O>;
  /** One line for an operation, e.g. "put(x, 3) -> OK". */
  describeOperation?(input: I, output: O | undefined): string;
  /** One line for a state, e.g. "x=3 v2". */
  describeState?(state: S): string;
}

/** A model whose input and output types are not known statically (CLI, files, notebooks). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<any, any, any>;

/** Describes an operation with the model's `describeOperation`, or generically. */
export function describeOperation<I, O>(model: Model<unknown, I, O>, operation: Operation<I, O>): string {
  if (model.describeOperation) return model.describeOperation(operation.input, operation.output);
  const output = operation.known ? JSON.stringify(operation.output) : '?';
  return `${JSON.stringify(operation.input)} -> ${output}`;
}
