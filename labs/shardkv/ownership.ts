/**
 * The lab's safety invariant over the trace: at most one group serves a shard in a
 * configuration. It reads the probe's notes (probe.ts) and flags only what no correct group
 * can do, whatever the timing:
 *
 * 1. A group answers for a shard after acknowledging its freeze, for a request that arrived
 *    after that acknowledgement, and no InstallShard with a newer configuration number reached
 *    the group before the answer. (The freeze was in the group's committed log before the
 *    request arrived, so the request was applied after it.)
 * 2. A group answers for a shard it never owned: not the first group (which owns every shard in
 *    the first configuration), and no InstallShard of that shard reached it before the answer.
 *
 * Either means two groups may both have served the shard in one configuration: the old owner
 * after the new one got it, or a group that never got it at all.
 */
import type { TraceEvent } from 'distlab';
import { formatSeconds, invariant, type TraceInvariant } from 'distlab/check';
import { noteOf } from './probe';
import { firstGid } from './types';

interface ShardAtGroup {
  /** The last acknowledged freeze: its configuration and when its reply left. */
  frozen: { readonly num: number; readonly atMs: number; readonly node: string } | null;
  /** InstallShard requests that reached the group: configuration numbers. */
  readonly installs: number[];
}

function at(ms: number): string {
  return formatSeconds(ms, 3);
}

export const oneGroupPerShard: TraceInvariant = invariant<TraceEvent>('at most one group serves a shard in a configuration', () => {
  const state = new Map<string, ShardAtGroup>();
  const of = (shard: number, gid: number): ShardAtGroup => {
    const slot = `${shard}/${gid}`;
    const found = state.get(slot) ?? { frozen: null, installs: [] };
    state.set(slot, found);
    return found;
  };
  return (event) => {
    const note = noteOf(event);
    if (note === null || note.kind === 'config') return null;
    const here = of(note.shard, note.gid);
    if (note.kind === 'install-arrived') here.installs.push(note.num);
    if (note.kind === 'freeze') here.frozen = { num: note.num, atMs: event.atMs, node: note.node };
    if (note.kind !== 'serve') return null;
    const what = `group ${note.gid} (server ${note.node}) answered a ${note.method} of ${JSON.stringify(note.key)} in shard ${note.shard} at ${at(event.atMs)} (the request arrived at ${at(note.arrivedMs)})`;
    const frozen = here.frozen;
    if (frozen !== null && note.arrivedMs > frozen.atMs && !here.installs.some((num) => num > frozen.num)) {
      return {
        detail: `${what}, but the group had frozen shard ${note.shard} for configuration ${frozen.num} at ${at(frozen.atMs)} (server ${frozen.node}) and no newer InstallShard reached it since: a frozen shard belongs to the next group`,
        atMs: event.atMs,
        nodes: [note.node, frozen.node],
      };
    }
    if (note.gid !== firstGid && here.installs.length === 0) {
      return { detail: `${what}, but no InstallShard of shard ${note.shard} ever reached group ${note.gid} (only group ${firstGid} starts with shards): it served a shard it never owned`, atMs: event.atMs, nodes: [note.node] };
    }
    return null;
  };
});
