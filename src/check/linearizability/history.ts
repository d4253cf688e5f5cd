/**
 * A history: the operations clients performed, each with the interval during which it could
 * have taken effect. The checker reads nothing else, so histories from the simulator's trace,
 * from JSON files and from Jepsen EDN files all end up in this one shape.
 */

/**
 * One client operation. `callMs`/`returnMs` bound the instant it took effect (intervals are
 * closed: two operations whose intervals only touch are treated as concurrent, as Porcupine does).
 *
 * An operation whose outcome is unknown (Jepsen `:info`, a client that gave up, or one that never
 * returned) has `known: false`, `output: undefined` and `returnMs: Infinity`: it may take effect at
 * any instant after its call, or never, which is exactly "placed at the very end, where no one
 * sees it". A failed operation (Jepsen `:fail`) did not happen and is not in the history at all.
 */
export interface Operation<I = unknown, O = unknown> {
  /** Position in the history, 0-based and dense; results refer to operations by it. */
  readonly id: number;
  /** Who issued it; one row per client in the visualization. */
  readonly client: string;
  readonly input: I;
  /** What the client saw; `undefined` exactly when `known` is false. */
  readonly output: O | undefined;
  readonly callMs: number;
  /** `Infinity` when the outcome is unknown. */
  readonly returnMs: number;
  readonly known: boolean;
  /** When the client gave up on an unknown operation, for display only (the checker ignores it). */
  readonly gaveUpMs?: number;
}

/** Something that happened to the system while the history ran, drawn over the timeline. */
export interface HistoryAnnotation {
  readonly atMs: number;
  readonly kind: 'fault' | 'crash' | 'restart' | 'note';
  /** One line, e.g. "partition [a b] [c]" or "crash s2". */
  readonly description: string;
}

/** A history plus what to draw over it. */
export interface AnnotatedHistory<I = unknown, O = unknown> {
  readonly operations: readonly Operation<I, O>[];
  readonly annotations: readonly HistoryAnnotation[];
  /**
   * What the `...Ms` times really count, for axis titles: `virtual ms` for simulator traces,
   * `line` for Jepsen EDN (time is the line position), `ms` when absent.
   */
  readonly timeUnit?: string;
}

/** What a caller supplies for one operation; `historyOf` assigns ids and normalises the rest. */
export interface OperationInput<I = unknown, O = unknown> {
  readonly client: string | number;
  readonly input: I;
  readonly output?: O;
  readonly callMs: number;
  /** Omit, or pass `null`/`Infinity`, for an operation that never returned. */
  readonly returnMs?: number | null;
  /** `false` for an indeterminate operation (it may or may not have taken effect). Default true. */
  readonly known?: boolean;
}

/**
 * Builds a history from plain records, checking what the checker relies on (finite call times,
 * return not before call) so that a mistake is reported here, with the operation's index, rather
 * than as a baffling verdict later.
 *
 * @example
 * const history = historyOf([
 *   { client: 0, input: { kind: 'write', value: 1 }, output: null, callMs: 0, returnMs: 10 },
 *   { client: 1, input: { kind: 'read' }, output: 1, callMs: 5, returnMs: 15 },
 * ]);
 */
export function historyOf<I, O>(records: readonly OperationInput<I, O>[]): Operation<I, O>[] {
  return records.map((record, id) => {
    const where = `operation ${id} (client ${record.client})`;
    if (!Number.isFinite(record.callMs)) {
      throw new RangeError(`${where}: callMs must be a finite number, got ${record.callMs}; give every operation the time it was invoked.`);
    }
    const returned = record.returnMs !== undefined && record.returnMs !== null && record.returnMs !== Infinity;
    const known = (record.known ?? true) && returned;
    if (returned && !(Number(record.returnMs) >= record.callMs)) {
      throw new RangeError(
        `${where}: returnMs ${record.returnMs} is before callMs ${record.callMs}; an operation cannot return before it is invoked (swapped fields?).`,
      );
    }
    if (known && record.output === undefined) {
      throw new TypeError(
        `${where}: a completed operation needs an output (use null for "no value"), or mark it { known: false } if its outcome is unknown.`,
      );
    }
    return {
      id,
      client: String(record.client),
      input: record.input,
      output: known ? record.output : undefined,
      callMs: record.callMs,
      returnMs: known ? Number(record.returnMs) : Infinity,
      known,
      ...(!known && returned ? { gaveUpMs: Number(record.returnMs) } : {}),
    };
  });
}

/** Renumbers operations 0..n-1 in order (after filtering or merging). */
export function renumber<I, O>(operations: readonly Operation<I, O>[]): Operation<I, O>[] {
  return operations.map((operation, id) => (operation.id === id ? operation : { ...operation, id }));
}
