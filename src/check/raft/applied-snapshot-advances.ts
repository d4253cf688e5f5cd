import type { TraceEvent } from '../../runtime';
import { formatSeconds } from '../format';
import { invariant } from '../invariant';
import type { TraceInvariant } from '../trace-invariant';

/** Metric names a tester records when a peer hands it a command or a snapshot (see `appliedMetrics`). */
export const appliedMetrics = { command: 'applied.command', snapshot: 'applied.snapshot' } as const;

/**
 * An installed snapshot moves the service forward: within one incarnation of a peer, every
 * snapshot it applies covers more than everything it applied before (commands or snapshots).
 * A snapshot at or below what was applied would roll the service state back (Figure 13: a
 * snapshot that is not newer than the receiver's state is ignored). Reads the
 * `applied.command` / `applied.snapshot` metrics a tester records; silent without them.
 */
export const appliedSnapshotAdvances: TraceInvariant = invariant<TraceEvent>('an applied snapshot never goes backwards', () => {
  const applied = new Map<string, number>();
  return (event) => {
    if (event.type === 'node.start' || event.type === 'node.restart' || event.type === 'node.crash') {
      applied.delete(event.node);
      return null;
    }
    if (event.type !== 'node.metric') return null;
    const before = applied.get(event.node) ?? 0;
    if (event.name === appliedMetrics.snapshot && event.value <= before) {
      return {
        detail: `server ${event.node} applied a snapshot up to index ${event.value} after it had applied index ${before} (at ${formatSeconds(event.atMs, 3)}): an old snapshot rolled the service back`,
        atMs: event.atMs,
        nodes: [event.node],
        index: event.value,
      };
    }
    if (event.name === appliedMetrics.command || event.name === appliedMetrics.snapshot) applied.set(event.node, Math.max(before, event.value));
    return null;
  };
});
