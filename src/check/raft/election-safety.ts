/** Raft's Election Safety (Figure 3): at most one leader can be elected in a given term. */
import { formatSeconds } from '../format';
import { invariant, type Invariant } from '../invariant';
import type { RaftObservation } from './observation';

export const electionSafety: Invariant<RaftObservation> = invariant('at most one leader per term (election safety)', () => {
  const leaders = new Map<number, string>();
  return (o) => {
    if (o.kind !== 'role' || o.role !== 'leader') return null;
    const other = leaders.get(o.term);
    if (other === undefined) {
      leaders.set(o.term, o.node);
      return null;
    }
    if (other === o.node) return null;
    return {
      detail: `servers ${other} and ${o.node} were both leader in term ${o.term} (server ${o.node} became leader at ${formatSeconds(o.atMs, 3)})`,
      atMs: o.atMs,
      nodes: [o.node, other],
      term: o.term,
    };
  };
});
