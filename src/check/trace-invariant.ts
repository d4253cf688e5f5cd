import type { TraceEvent } from '../runtime';
import type { Invariant } from './invariant';

/**
 * A named property of a run read from its trace only (house rule 6): an `Invariant` over trace
 * events. `check(events)` returns null when it holds, else a `Violation` naming node, term or
 * index, and virtual time.
 */
export type TraceInvariant = Invariant<TraceEvent>;
