/**
 * Protocol invariants as named predicates (house rule 6): `{ name, check }`, where `check`
 * reads a whole history (a trace, or what a tester observed) and returns null when the property
 * holds, or a `Violation` naming the nodes, the term or index, and the virtual time.
 *
 * Every invariant is written once, as a watcher fed one observation at a time (`watch`); the
 * whole-history `check` is that watcher run over the history. Testers watch live (a violation
 * ends the test at the moment it happens); notebooks, replays and the grader `check` afterwards;
 * both give the same verdict.
 *
 * @example
 *   const violation = electionSafety.check(roleObservations(world.trace.events));
 *   if (violation !== null) console.log(`${violation.invariant}: ${violation.detail}`);
 */

/** What a violated invariant reports. Plots mark `atMs` on the lanes of `nodes`. */
export interface Violation {
  /** The invariant's name, e.g. "at most one leader per term". */
  readonly invariant: string;
  /** One sentence naming nodes, term or index, and time. */
  readonly detail: string;
  /** Virtual time at which the violation became visible, in ms. */
  readonly atMs: number;
  /** Node ids involved (first the one that broke the property). */
  readonly nodes: readonly string[];
  readonly term?: number;
  readonly index?: number;
}

/** A named property of a history of observations `O`. */
export interface Invariant<O> {
  /** Reads as a sentence: "at most one leader per term". */
  readonly name: string;
  /** Checks a whole history; null when the property holds, else the first violation. */
  check(history: Iterable<O>): Violation | null;
  /**
   * A fresh watcher: feed it observations in order; it returns the first violation (then keeps
   * returning null). Properties of a whole run (checked at its end) report only through `check`.
   */
  watch(): (observation: O) => Violation | null;
}

/** What a watcher reports; `invariant()` adds the name. */
export type Finding = Omit<Violation, 'invariant'>;

/** A watcher: a step per observation, and for properties of a whole run (e.g. "at the end, ..."), an `end` step. */
export type Watcher<O> = ((observation: O) => Finding | null) | { readonly step: (observation: O) => Finding | null; readonly end: () => Finding | null };

/**
 * Builds an invariant from its watcher factory (the only place the property is written).
 *
 * @example
 *   const positive = invariant<{ value: number; atMs: number }>('values stay positive', () => (o) =>
 *     o.value > 0 ? null : { detail: `value ${o.value} at ${o.atMs} ms`, atMs: o.atMs, nodes: [] });
 */
export function invariant<O>(name: string, watch: () => Watcher<O>): Invariant<O> {
  const named = (finding: Finding | null): Violation | null => (finding === null ? null : { invariant: name, ...finding });
  const start = () => {
    const watcher = watch();
    return typeof watcher === 'function' ? { step: watcher, end: () => null } : watcher;
  };
  return {
    name,
    watch() {
      const { step } = start();
      let reported = false;
      return (observation) => {
        if (reported) return null;
        const violation = named(step(observation));
        reported = violation !== null;
        return violation;
      };
    },
    check(history) {
      const { step, end } = start();
      for (const observation of history) {
        const violation = named(step(observation));
        if (violation !== null) return violation;
      }
      return named(end());
    },
  };
}
