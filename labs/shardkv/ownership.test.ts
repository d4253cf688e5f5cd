// The ownership invariant on hand-made traces: what a correct group does passes; serving after
// a freeze, or a shard that never arrived, is a violation naming the group, server and time.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from 'distlab';
import { oneGroupPerShard } from './ownership';
import type { ShardNote } from './probe';

let seq = 0;
function note(atMs: number, body: ShardNote): TraceEvent {
  const { kind, ...rest } = body;
  return { type: 'world.note', atMs, seq: seq++, message: `shardkv.${kind} ${JSON.stringify(rest)}` };
}
const serve = (atMs: number, gid: number, arrivedMs: number, shard = 3): TraceEvent => note(atMs, { kind: 'serve', gid, node: `g${gid}-0`, shard, key: 'k', method: 'Get', arrivedMs });

describe('at most one group serves a shard in a configuration', () => {
  it('a move (freeze at 1, install at 2) with answers on each side passes', () => {
    const trace = [
      serve(10, 1, 8),
      note(20, { kind: 'freeze', gid: 1, node: 'g1-0', shard: 3, num: 2, arrivedMs: 15 }),
      serve(25, 1, 12), // arrived before the freeze was acknowledged: may be ordered before it
      note(30, { kind: 'install-arrived', gid: 2, node: 'g2-1', shard: 3, num: 2, arrivedMs: 30 }),
      note(35, { kind: 'install', gid: 2, node: 'g2-1', shard: 3, num: 2, arrivedMs: 30 }),
      serve(40, 2, 38),
      note(50, { kind: 'install-arrived', gid: 1, node: 'g1-2', shard: 3, num: 3, arrivedMs: 50 }),
      serve(60, 1, 55), // group 1 got it back in configuration 3
    ];
    expect(oneGroupPerShard.check(trace)).toBeNull();
  });

  it('answering a request that arrived after the freeze was acknowledged is a violation', () => {
    const trace = [note(20, { kind: 'freeze', gid: 1, node: 'g1-0', shard: 3, num: 2, arrivedMs: 15 }), serve(30, 1, 21)];
    const violation = oneGroupPerShard.check(trace);
    expect(violation?.detail).toMatch(/group 1 \(server g1-0\) answered a Get of "k" in shard 3 at 0\.030s .* frozen shard 3 for configuration 2 at 0\.020s/);
    expect(violation?.atMs).toBe(30);
  });

  it('a group answering for a shard no InstallShard brought it is a violation', () => {
    const violation = oneGroupPerShard.check([serve(30, 2, 25)]);
    expect(violation?.detail).toMatch(/no InstallShard of shard 3 ever reached group 2/);
  });
});
