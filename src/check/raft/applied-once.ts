/**
 * At most one applied value per index, per server: a server that applies an index again (after
 * a restart, replaying its log) applies the same command it applied there before.
 */
import { formatSeconds } from '../format';
import { invariant, type Invariant } from '../invariant';
import { describeCommand, type RaftObservation } from './observation';

export const appliedOnce: Invariant<RaftObservation> = invariant('a server applies one command per index', () => {
  /** `node/index` -> what that server applied there. */
  const applied = new Map<string, { command: unknown; atMs: number }>();
  return (o) => {
    if (o.kind !== 'apply') return null;
    const key = `${o.node}/${o.index}`;
    const before = applied.get(key);
    if (before === undefined) {
      applied.set(key, { command: o.command, atMs: o.atMs });
      return null;
    }
    if (before.command === o.command) return null;
    return {
      detail:
        `server ${o.node} applied ${describeCommand(o.command)} at index ${o.index} at ${formatSeconds(o.atMs, 3)}, ` +
        `after applying ${describeCommand(before.command)} there at ${formatSeconds(before.atMs, 3)}`,
      atMs: o.atMs,
      nodes: [o.node],
      index: o.index,
    };
  };
});
