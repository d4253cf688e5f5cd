/**
 * Reads a history out of a simulator trace: `client.invoke`/`client.return` pairs become
 * operations, and network faults, crashes and restarts become annotations for the timeline.
 */
import type { TraceEvent } from '../../../runtime/trace-event';
import type { AnnotatedHistory, HistoryAnnotation, Operation } from '../history';

export interface TraceHistoryOptions {
  /** Keep only clients this accepts (e.g. ignore a tester's own probes). Default: every client. */
  readonly includeClient?: (client: string) => boolean;
}

/**
 * Pairs each `client.invoke` with the `client.return` of the same client and op number.
 * A return with `known: false` (the client gave up) and an invocation that never returned both
 * become indeterminate operations: they may or may not have taken effect.
 *
 * @example
 * const { operations, annotations } = historyFromTrace(world.trace.events);
 * const result = checkLinearizability(kvVersionedModel(), operations);
 */
export function historyFromTrace(events: readonly TraceEvent[], options: TraceHistoryOptions = {}): AnnotatedHistory {
  const include = options.includeClient ?? (() => true);
  const pending = new Map<string, { client: string; input: unknown; callMs: number; index: number }>();
  const drafts: Omit<Operation, 'id'>[] = [];
  const annotations: HistoryAnnotation[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'client.invoke': {
        if (!include(event.client)) break;
        const key = `${event.client}\u0000${event.op}`;
        if (pending.has(key)) {
          throw new Error(`trace seq ${event.seq}: client ${event.client} invoked op ${event.op} twice without a return; op numbers must be unique per client.`);
        }
        pending.set(key, { client: event.client, input: event.input, callMs: event.atMs, index: drafts.length });
        drafts.push({ client: event.client, input: event.input, output: undefined, callMs: event.atMs, returnMs: Infinity, known: false });
        break;
      }
      case 'client.return': {
        if (!include(event.client)) break;
        const key = `${event.client}\u0000${event.op}`;
        const call = pending.get(key);
        if (call === undefined) {
          throw new Error(`trace seq ${event.seq}: client ${event.client} returned op ${event.op} that was never invoked (or returned twice); is the trace complete?`);
        }
        pending.delete(key);
        drafts[call.index] = event.known
          ? { client: call.client, input: call.input, output: event.output ?? null, callMs: call.callMs, returnMs: event.atMs, known: true }
          : { client: call.client, input: call.input, output: undefined, callMs: call.callMs, returnMs: Infinity, known: false, gaveUpMs: event.atMs };
        break;
      }
      case 'net.fault':
        annotations.push({ atMs: event.atMs, kind: 'fault', description: event.description });
        break;
      case 'node.crash':
        annotations.push({ atMs: event.atMs, kind: 'crash', description: `crash ${event.node}` });
        break;
      case 'node.restart':
        annotations.push({ atMs: event.atMs, kind: 'restart', description: `restart ${event.node}` });
        break;
      default:
        break;
    }
  }
  return { operations: drafts.map((draft, id) => ({ id, ...draft })), annotations, timeUnit: 'virtual ms' };
}
