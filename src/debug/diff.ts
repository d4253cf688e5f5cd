/**
 * Differential replay: two runs of the same test on the same seed (two versions of a student's
 * code), compared event by event. Both worlds start from one seed, so the fault schedule and
 * workload are the same until the code makes them differ; the first event that is not identical
 * is where the two versions parted, and everything after it is a consequence.
 *
 * Reads traces only (never node internals), like every checker.
 */
import type { TraceEvent } from '../runtime/trace-event';
import { describeEvent } from '../runtime/describe';

/** Where two traces first differ. `a`/`b` is null on the side whose trace had already ended. */
export interface Divergence {
  /** Index of the first differing event (0-based); equal to the common length when one trace is a prefix of the other. */
  readonly index: number;
  /** Virtual time of the earlier of the two differing events. */
  readonly atMs: number;
  readonly a: TraceEvent | null;
  readonly b: TraceEvent | null;
  /** The node the divergence happened on (the event's node, or the sender of a message), when one is named. */
  readonly node: string | null;
  /** Events both traces share right before the divergence, oldest first (at most `contextMax`). */
  readonly context: readonly TraceEvent[];
}

export interface DiffOptions {
  /** Shared events kept before the divergence. Default 8. */
  readonly contextMax?: number;
}

/**
 * The first event at which `a` and `b` differ, or null when they are identical. Events are
 * compared as their JSON (every field, sequence number included): the same comparison the
 * trace hash makes, one event at a time.
 *
 * @example
 * const divergence = firstDivergence(reference.trace.events, changed.trace.events);
 * if (divergence) console.log(describeDivergence(divergence, 'reference', 'changed').join('\n'));
 */
export function firstDivergence(a: readonly TraceEvent[], b: readonly TraceEvent[], options: DiffOptions = {}): Divergence | null {
  const common = Math.min(a.length, b.length);
  let index = 0;
  while (index < common && (a[index] === b[index] || JSON.stringify(a[index]) === JSON.stringify(b[index]))) index++;
  if (index === a.length && index === b.length) return null;
  const left = a[index] ?? null;
  const right = b[index] ?? null;
  const atMs = Math.min(left?.atMs ?? Infinity, right?.atMs ?? Infinity);
  const contextMax = options.contextMax ?? 8;
  return {
    index,
    atMs,
    a: left,
    b: right,
    node: nodeOf(left) ?? nodeOf(right),
    context: a.slice(Math.max(0, index - contextMax), index),
  };
}

/** The node an event happened on: its `node`, or the sender for network events; null for world events. */
export function nodeOf(event: TraceEvent | null): string | null {
  if (event === null) return null;
  if ('node' in event && typeof event.node === 'string') return event.node;
  if ('source' in event && typeof event.source === 'string') return event.type === 'net.deliver' ? event.target : event.source;
  if ('client' in event && typeof event.client === 'string') return event.client;
  return null;
}

/** The divergence as lines for a terminal or a notebook: where, then both sides, then the shared lead-up. */
export function describeDivergence(divergence: Divergence | null, nameA: string, nameB: string): string[] {
  if (divergence === null) return [`the traces of ${nameA} and ${nameB} are identical`];
  const width = Math.max(nameA.length, nameB.length);
  const side = (name: string, event: TraceEvent | null): string =>
    `  ${name.padEnd(width)}  ${event === null ? '(trace ended: no more events)' : describeEvent(event)}`;
  const where = divergence.node === null ? '' : ` on ${divergence.node}`;
  return [
    `first divergence at event #${divergence.index}, ${(divergence.atMs / 1000).toFixed(3)}s${where}:`,
    side(nameA, divergence.a),
    side(nameB, divergence.b),
    ...(divergence.context.length === 0 ? [] : ['shared events just before it:', ...divergence.context.map((event) => `  ${describeEvent(event)}`)]),
  ];
}
