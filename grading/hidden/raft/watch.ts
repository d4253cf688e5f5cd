/**
 * What every hidden Raft run watches besides the harness's own checks: the trace events the
 * invariants of `distlab/check` read, and the apply stream (recorded as `applied.*` metrics of
 * the peer, so invariants read it from the trace like everything else).
 */
import { tap } from 'rxjs';
import type { NodeContext, TraceEvent, World } from 'distlab';
import { appliedMetrics } from 'distlab/check';
import type { ApplyMessage, RaftClass, RaftConfig, RaftImplementation, RaftNode } from '../../../labs/raft/types';

/** Trace events the Raft invariants read; the rest (messages, timers) is not kept. */
const watchedTypes = new Set<TraceEvent['type']>(['node.start', 'node.crash', 'node.restart', 'node.role', 'node.metric', 'node.persist', 'net.fault']);

export interface TraceRecording {
  readonly events: readonly TraceEvent[];
  stop(): void;
}

/** Keeps the watched events of a world from now on (subscribe before the first node is added). */
export function recordTrace(world: World): TraceRecording {
  const events: TraceEvent[] = [];
  const subscription = world.trace.events$.subscribe((event) => {
    if (watchedTypes.has(event.type)) events.push(event);
  });
  return { events, stop: () => subscription.unsubscribe() };
}

/**
 * The implementation with each peer's apply$ tapped: every message it hands the tester is also
 * recorded as an `applied.command` / `applied.snapshot` metric of that peer. The peer object is
 * wrapped in a proxy that serves the tapped stream (one subscription to the original, the
 * tester's) and binds methods to the real object (so private fields keep working).
 */
export function tapApplies(impl: RaftImplementation): RaftImplementation {
  const Raft = impl.Raft;
  function Tapped(ctx: NodeContext, config: RaftConfig): RaftNode {
    const rf = new Raft(ctx, config);
    const original = (rf as Partial<RaftNode> | null)?.apply$;
    if (original === undefined || typeof original?.pipe !== 'function') return rf; // the harness reports the shape
    const tapped = original.pipe(tap((message: ApplyMessage) => recordApply(ctx, message)));
    return new Proxy(rf, {
      get(target, key) {
        if (key === 'apply$') return tapped;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
  return { ...impl, Raft: Tapped as unknown as RaftClass };
}

function recordApply(ctx: NodeContext, message: ApplyMessage): void {
  if (!Number.isSafeInteger(message?.index)) return;
  if (message.type === 'snapshot') ctx.metric(appliedMetrics.snapshot, message.index);
  else if (message.type === 'command') ctx.metric(appliedMetrics.command, message.index);
}
