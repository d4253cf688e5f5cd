// The reference configuration functions: the course's shardcfg TestBasic, then properties over
// random join/leave sequences (fast-check): balanced within one, exactly the fewest moves a
// balanced change allows (computed independently by labs/shardkv/config-check.ts), and
// deterministic. Bad input gets an error naming the group.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConfig, configGids, fewestMoves, movedShards } from '../../../labs/shardkv/config-check';
import { key2shard, shardCount, type ShardConfig } from '../../../labs/shardkv/types';
import { joinBalance, leaveBalance, makeShardConfig } from './shardcfg';

const servers = (gid: number): string[] => [`g${gid}-0`, `g${gid}-1`, `g${gid}-2`];

type Step = { readonly join: number[] } | { readonly leave: number[] };

/** Applies steps that make sense for the current groups (joins of new gids, leaves of members). */
function play(steps: readonly Step[]): ShardConfig[] {
  const configs = [makeShardConfig()];
  for (const step of steps) {
    const config = configs[configs.length - 1];
    const members = new Set(configGids(config));
    if ('join' in step) {
      const fresh = [...new Set(step.join)].filter((gid) => !members.has(gid));
      if (fresh.length > 0) configs.push(joinBalance(config, Object.fromEntries(fresh.map((gid) => [gid, servers(gid)]))));
    } else {
      const leaving = [...new Set(step.leave)].filter((gid) => members.has(gid));
      if (leaving.length > 0) configs.push(leaveBalance(config, leaving));
    }
  }
  return configs;
}

const gid = fc.integer({ min: 1, max: 14 });
const steps = fc.array(fc.oneof(fc.record({ join: fc.array(gid, { minLength: 1, maxLength: 4 }) }), fc.record({ leave: fc.array(gid, { minLength: 1, maxLength: 3 }) })), { maxLength: 12 });

describe('shardcfg (reference)', () => {
  it('TestBasic: join, join, leave, leave stay balanced and keep the server lists', () => {
    let config = makeShardConfig();
    expect(checkConfig(config, [])).toBeNull();
    config = joinBalance(config, { 1: ['x', 'y', 'z'] });
    expect(checkConfig(config, [1])).toBeNull();
    config = joinBalance(config, { 2: ['a', 'b', 'c'] });
    expect(checkConfig(config, [1, 2])).toBeNull();
    expect(config.groups['1']).toEqual(['x', 'y', 'z']);
    expect(config.groups['2']).toEqual(['a', 'b', 'c']);
    config = leaveBalance(config, [1]);
    expect(checkConfig(config, [2])).toBeNull();
    config = leaveBalance(config, [2]);
    expect(checkConfig(config, [])).toBeNull();
    expect(config.num).toBe(4);
  });

  it('every configuration of a random join/leave sequence is balanced and moves the fewest shards', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        const configs = play(sequence);
        for (let i = 1; i < configs.length; i++) {
          const [before, after] = [configs[i - 1], configs[i]];
          expect(after.num).toBe(before.num + 1);
          expect(checkConfig(after, configGids(after))).toBeNull();
          expect(movedShards(before, after).length).toBe(fewestMoves(before, configGids(after)));
        }
      }),
      { numRuns: 300, seed: 5840 },
    );
  });

  it('is deterministic: the same sequence gives the same configurations', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        expect(JSON.stringify(play(sequence))).toBe(JSON.stringify(play(sequence)));
      }),
      { numRuns: 100, seed: 1 },
    );
  });

  it('leaves its input unchanged', () => {
    const first = joinBalance(makeShardConfig(), { 1: servers(1) });
    const copy = JSON.stringify(first);
    joinBalance(first, { 2: servers(2) });
    leaveBalance(first, [1]);
    expect(JSON.stringify(first)).toBe(copy);
  });

  it('rejects a gid that is already there, missing, not positive, or has no servers, naming it', () => {
    const config = joinBalance(makeShardConfig(), { 1: servers(1) });
    expect(() => joinBalance(config, { 1: servers(1) })).toThrow(/group 1 is already in configuration 1/);
    expect(() => joinBalance(config, { 0: servers(0) })).toThrow(/group id 0 is not a positive integer/);
    expect(() => joinBalance(config, { 3: [] })).toThrow(/group 3 needs at least one server/);
    expect(() => leaveBalance(config, [7])).toThrow(/group 7 is not in configuration 1/);
  });

  it('key2shard spreads keys over every shard (Go: FNV-1a modulo 12)', () => {
    const hit = new Set(Array.from({ length: 60 }, (_, i) => key2shard(String(i))));
    expect(hit.size).toBe(shardCount);
    expect(key2shard('')).toBe(0x811c9dc5 % shardCount);
  });
});
