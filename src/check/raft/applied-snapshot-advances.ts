import type { TraceEvent } from '../../runtime/trace-event';
import { secondsAt, type TraceInvariant } from '../trace-invariant';

/** Metric names a tester records when a peer hands it a command or a snapshot (see `appliedMetrics`). */
export const appliedMetrics = { command: 'applied.command', snapshot: 'applied.snapshot' } as const;

/**
 * An installed snapshot moves the service forward: within one incarnation of a peer, every
 * snapshot it applies covers more than everything it applied before (commands or snapshots).
 * A snapshot at or below what was applied would roll the service state back (Figure 13: a
 * snapshot that is not newer than the receiver's state is ignored). Reads the
 * `applied.command` / `applied.snapshot` metrics a tester records; silent without them.
 */
export const appliedSnapshotAdvances: TraceInvariant = {
  name: 'an applied snapshot never goes backwards',
  check(events: readonly TraceEvent[]): string | null {
    const applied = new Map<string, number>();
    for (const event of events) {
      if (event.type === 'node.start' || event.type === 'node.restart' || event.type === 'node.crash') {
        applied.delete(event.node);
        continue;
      }
      if (event.type !== 'node.metric') continue;
      const before = applied.get(event.node) ?? 0;
      if (event.name === appliedMetrics.snapshot && event.value <= before) {
        return `server ${event.node} applied a snapshot up to index ${event.value} after it had applied index ${before} (at ${secondsAt(event.atMs)}): an old snapshot rolled the service back`;
      }
      if (event.name === appliedMetrics.command || event.name === appliedMetrics.snapshot) applied.set(event.node, Math.max(before, event.value));
    }
    return null;
  },
};
