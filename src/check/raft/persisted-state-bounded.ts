import type { TraceEvent } from '../../runtime';
import { formatSeconds } from '../format';
import { invariant } from '../invariant';
import type { TraceInvariant } from '../trace-invariant';

/**
 * After the service snapshotted everything and the cluster went quiet, what each live peer last
 * persisted is small: snapshot() must save the trimmed log, not leave the old one on disk until
 * some later write. Checks the last `node.persist` of every peer up at `atMs` (peers that never
 * persisted are skipped).
 */
export function persistedStateBounded(options: { readonly atMs: number; readonly stateBytesMax: number }): TraceInvariant {
  return invariant<TraceEvent>(`persisted Raft state is at most ${options.stateBytesMax} bytes once the service has snapshotted and the cluster is idle`, () => {
    const last = new Map<string, { bytes: number; atMs: number }>();
    const up = new Set<string>();
    return {
      step(event) {
        if (event.atMs > options.atMs) return null;
        if (event.type === 'node.start' || event.type === 'node.restart') up.add(event.node);
        if (event.type === 'node.crash') up.delete(event.node);
        if (event.type === 'node.persist') last.set(event.node, { bytes: event.stateBytes, atMs: event.atMs });
        return null;
      },
      end() {
        for (const [node, persisted] of last) {
          if (!up.has(node) || persisted.bytes <= options.stateBytesMax) continue;
          return {
            detail: `server ${node}'s persisted state is ${persisted.bytes} bytes at ${formatSeconds(options.atMs, 3)} (last saved at ${formatSeconds(persisted.atMs, 3)}), above ${options.stateBytesMax}, although every entry is in a snapshot: does snapshot() persist the trimmed log?`,
            atMs: options.atMs,
            nodes: [node],
          };
        }
        return null;
      },
    };
  });
}
