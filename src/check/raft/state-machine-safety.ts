/**
 * Raft's State Machine Safety (Figure 3): if a server has applied a log entry at a given index,
 * no other server ever applies a different entry for that index.
 */
import { formatSeconds } from '../format';
import { invariant, type Invariant } from '../invariant';
import { describeCommand, type RaftObservation } from './observation';

export const stateMachineSafety: Invariant<RaftObservation> = invariant('no two servers apply different commands at one index (state machine safety)', () => {
  /** Per index, the first command applied there and by whom. */
  const applied = new Map<number, { node: string; command: unknown; atMs: number }>();
  return (o) => {
    if (o.kind !== 'apply') return null;
    const first = applied.get(o.index);
    if (first === undefined) {
      applied.set(o.index, { node: o.node, command: o.command, atMs: o.atMs });
      return null;
    }
    if (first.node === o.node || first.command === o.command) return null;
    return {
      detail:
        `server ${o.node} applied ${describeCommand(o.command)} at index ${o.index} at ${formatSeconds(o.atMs, 3)}, ` +
        `but server ${first.node} applied ${describeCommand(first.command)} there at ${formatSeconds(first.atMs, 3)}`,
      atMs: o.atMs,
      nodes: [o.node, first.node],
      index: o.index,
    };
  };
});
