import type { TraceEvent } from '../../runtime';
import { formatSeconds } from '../format';
import { invariant } from '../invariant';
import type { TraceInvariant } from '../trace-invariant';

/**
 * On a healthy network (every live peer in one partition group, no crash or restart since),
 * once a leader is elected its term stands: no peer moves to a higher term until the next
 * fault. A peer whose election timer is not reset when it grants a vote, or that times out
 * between a leader's heartbeats, breaks it. Only meaningful for scenarios whose links are
 * reliable and much faster than election timeouts; the scenario decides where it applies.
 * Stretches start at `net.fault`, `node.crash`, `node.restart`; groups come from `net.fault`.
 */
export const termStableWhileHealthy: TraceInvariant = invariant<TraceEvent>('an elected leader keeps its term while the network is healthy', () => {
  const up = new Set<string>();
  let groups: readonly (readonly string[])[] = [];
  let healthy = false;
  let leader: { node: string; term: number; atMs: number } | null = null;
  let stretchStartMs = 0;
  return (event) => {
    if (event.type === 'node.start' || event.type === 'node.restart') up.add(event.node);
    if (event.type === 'node.crash') up.delete(event.node);
    if (event.type === 'net.fault') groups = event.groups;
    if (event.type === 'net.fault' || event.type === 'node.start' || event.type === 'node.restart' || event.type === 'node.crash') {
      healthy = oneGroup(up, groups);
      leader = null;
      stretchStartMs = event.atMs;
      return null;
    }
    if (event.type !== 'node.role' || !healthy) return null;
    if (leader !== null && event.term > leader.term) {
      return {
        detail:
          `server ${event.node} moved to term ${event.term} (as ${event.role}) at ${formatSeconds(event.atMs, 3)}, ${formatSeconds(event.atMs - leader.atMs, 3)} after server ${leader.node} ` +
          `was elected leader of term ${leader.term}, with every live server connected and no fault since ${formatSeconds(stretchStartMs, 3)}`,
        atMs: event.atMs,
        nodes: [event.node, leader.node],
        term: event.term,
      };
    }
    if (leader === null && event.role === 'leader') leader = { node: event.node, term: event.term, atMs: event.atMs };
    return null;
  };
});

/** Whether every live node is in the same group (a node no group names counts as connected). */
function oneGroup(up: ReadonlySet<string>, groups: readonly (readonly string[])[]): boolean {
  const live = groups.map((group) => group.filter((node) => up.has(node))).filter((group) => group.length > 0);
  return live.length <= 1;
}
