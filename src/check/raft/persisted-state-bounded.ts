import type { TraceEvent } from '../../runtime/trace-event';
import { secondsAt, type TraceInvariant } from '../trace-invariant';

/**
 * After the service snapshotted everything and the cluster went quiet, what each live peer last
 * persisted is small: snapshot() must save the trimmed log, not leave the old one on disk until
 * some later write. Checks the last `node.persist` of every peer up at `atMs` (peers that never
 * persisted are skipped).
 */
export function persistedStateBounded(options: { readonly atMs: number; readonly stateBytesMax: number }): TraceInvariant {
  return {
    name: `persisted Raft state is at most ${options.stateBytesMax} bytes once the service has snapshotted and the cluster is idle`,
    check(events: readonly TraceEvent[]): string | null {
      const last = new Map<string, { bytes: number; atMs: number }>();
      const up = new Set<string>();
      for (const event of events) {
        if (event.atMs > options.atMs) break;
        if (event.type === 'node.start' || event.type === 'node.restart') up.add(event.node);
        if (event.type === 'node.crash') up.delete(event.node);
        if (event.type === 'node.persist') last.set(event.node, { bytes: event.stateBytes, atMs: event.atMs });
      }
      for (const [node, persisted] of last) {
        if (up.has(node) && persisted.bytes > options.stateBytesMax) {
          return `server ${node}'s persisted state is ${persisted.bytes} bytes at ${secondsAt(options.atMs)} (last saved at ${secondsAt(persisted.atMs)}), above ${options.stateBytesMax}, although every entry is in a snapshot: does snapshot() persist the trimmed log?`;
        }
      }
      return null;
    },
  };
}
