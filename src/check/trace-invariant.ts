import type { TraceEvent } from '../runtime/trace-event';

/**
 * A named property of a whole run, read from its trace only (house rule 6). `check` returns
 * null when the property holds, else one sentence naming node, term or index, and virtual time.
 */
export interface TraceInvariant {
  readonly name: string;
  check(events: readonly TraceEvent[]): string | null;
}

/** Virtual time as failure sentences print it. */
export function secondsAt(atMs: number): string {
  return `${(atMs / 1000).toFixed(3)} s`;
}
