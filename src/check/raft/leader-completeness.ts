/**
 * Raft's Leader Completeness (Figure 3), as a tester sees it from outside: once an entry is
 * committed, every leader of a later term has it, so start() on such a leader returns an index
 * past it.
 *
 * Why the bound is sound: an index is committed before any server applies it, by a leader that
 * could only commit an entry of its own term, and entries enter a term only through start()
 * (lab 3 has no no-op entries). So when index c is first applied, the highest term any start()
 * was accepted in so far is at least the term that committed c; leaders of higher terms must
 * hold c.
 */
import { formatSeconds } from '../format';
import { invariant, type Invariant } from '../invariant';
import type { RaftObservation } from './observation';

export const leaderCompleteness: Invariant<RaftObservation> = invariant('a leader holds every entry committed before its term (leader completeness)', () => {
  let startTermMax = 0;
  /** Per bound (the start term when indexes were first applied): the highest such index, who applied it and when. */
  const committed = new Map<number, { index: number; node: string; atMs: number }>();
  const seen = new Set<number>();
  return (o) => {
    if (o.kind === 'apply') {
      if (seen.has(o.index)) return null;
      seen.add(o.index);
      const highest = committed.get(startTermMax);
      if (highest === undefined || o.index > highest.index) committed.set(startTermMax, { index: o.index, node: o.node, atMs: o.atMs });
      return null;
    }
    if (o.kind !== 'start') return null;
    for (const [bound, entry] of committed) {
      if (bound >= o.term || o.index > entry.index) continue;
      return {
        detail:
          `server ${o.node}, leader of term ${o.term}, placed a new command at index ${o.index} at ${formatSeconds(o.atMs, 3)}, ` +
          `so its log lacks index ${entry.index}, which server ${entry.node} applied at ${formatSeconds(entry.atMs, 3)} (committed in term ${bound} or earlier)`,
        atMs: o.atMs,
        nodes: [o.node, entry.node],
        term: o.term,
        index: entry.index,
      };
    }
    if (o.term > startTermMax) startTermMax = o.term;
    return null;
  };
});
