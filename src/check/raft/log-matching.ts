/**
 * Raft's Log Matching (Figure 3), the part a tester can see from outside: an entry is named by
 * its index and term, so two start() calls accepted in one term never place two different
 * commands at one index (a leader only appends; one leader per term). A violation means a
 * leader overwrote its own entry, or two servers led the same term.
 */
import { formatSeconds } from '../format';
import { invariant, type Invariant } from '../invariant';
import { describeCommand, type RaftObservation } from './observation';

export const logMatching: Invariant<RaftObservation> = invariant('an index and a term name one entry (log matching)', () => {
  const entries = new Map<string, { node: string; command: unknown; atMs: number }>();
  return (o) => {
    if (o.kind !== 'start') return null;
    const key = `${o.term}/${o.index}`;
    const first = entries.get(key);
    if (first === undefined) {
      entries.set(key, { node: o.node, command: o.command, atMs: o.atMs });
      return null;
    }
    if (first.command === o.command) return null;
    return {
      detail:
        `server ${o.node} placed ${describeCommand(o.command)} at index ${o.index} in term ${o.term} at ${formatSeconds(o.atMs, 3)}, ` +
        `but server ${first.node} had placed ${describeCommand(first.command)} there in the same term at ${formatSeconds(first.atMs, 3)}`,
      atMs: o.atMs,
      nodes: first.node === o.node ? [o.node] : [o.node, first.node],
      term: o.term,
      index: o.index,
    };
  };
});
