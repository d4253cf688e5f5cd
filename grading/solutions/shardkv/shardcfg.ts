/**
 * Reference of Lab 5's configuration functions (Go: shardcfg's JoinBalance and LeaveBalance):
 * pure functions from one configuration to the next, deterministic, balanced within one shard,
 * moving as few shards as possible. The student skeleton is generated from this file.
 */
import { notWritten, shardCount, type ShardConfig } from '../../../labs/shardkv/types';

// notebook: shardcfg 5A
/** An empty configuration: number 0, no groups, every shard on group 0 (Go: MakeShardConfig). */
export function makeShardConfig(): ShardConfig {
  return { num: 0, shards: new Array<number>(shardCount).fill(0), groups: {} };
}

/** The group ids of a configuration, ascending. */
function gidsOf(config: ShardConfig): number[] {
  return Object.keys(config.groups)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Adds `groups` (gid -> server node ids) to `config` and rebalances; returns the next
 * configuration. Throws on a gid that is not a positive integer or already a member, and on a
 * group without servers.
 */
export function joinBalance(config: ShardConfig, groups: Readonly<Record<number, readonly string[]>>): ShardConfig {
  const joined: Record<string, readonly string[]> = { ...config.groups };
  for (const [key, servers] of Object.entries(groups)) {
    const gid = Number(key);
    if (!Number.isInteger(gid) || gid <= 0) throw new Error(`joinBalance: group id ${key} is not a positive integer (group 0 means "no group")`);
    if (config.groups[key] !== undefined) throw new Error(`joinBalance: group ${gid} is already in configuration ${config.num}; leave it first`);
    if (!Array.isArray(servers) || servers.length === 0) throw new Error(`joinBalance: group ${gid} needs at least one server, got ${JSON.stringify(servers)}`);
    joined[key] = [...servers];
  }
  const next = { num: config.num + 1, shards: config.shards, groups: joined };
  return { ...next, shards: rebalance(config.shards, gidsOf(next)) };
}

/** Removes the groups `gids` from `config` and rebalances; throws on a gid that is not a member. */
export function leaveBalance(config: ShardConfig, gids: readonly number[]): ShardConfig {
  const remaining: Record<string, readonly string[]> = { ...config.groups };
  for (const gid of gids) {
    if (config.groups[String(gid)] === undefined) throw new Error(`leaveBalance: group ${gid} is not in configuration ${config.num} (its groups: ${gidsOf(config).join(', ') || 'none'})`);
    delete remaining[String(gid)];
  }
  const next = { num: config.num + 1, shards: config.shards, groups: remaining };
  return { ...next, shards: rebalance(config.shards, gidsOf(next)) };
}

/**
 * Every shard on one of `gids` (ascending), group sizes within one of each other, and as few
 * shards moved as possible: the groups that hold the most shards keep the larger share (ties go
 * to the smaller gid), each gives away its highest-numbered surplus shards, and the free shards
 * go, lowest first, to the groups below their share, smallest gid first.
 */
function rebalance(current: readonly number[], gids: readonly number[]): number[] {
  // BEGIN SOLUTION
  if (gids.length === 0) return new Array<number>(shardCount).fill(0);
  const held = new Map(gids.map((gid) => [gid, [] as number[]]));
  const free: number[] = [];
  current.forEach((gid, shard) => (held.get(gid) ?? free).push(shard));
  const bySize = [...gids].sort((a, b) => (held.get(b) as number[]).length - (held.get(a) as number[]).length || a - b);
  const base = Math.floor(shardCount / gids.length);
  const share = new Map(bySize.map((gid, rank) => [gid, base + (rank < shardCount % gids.length ? 1 : 0)]));
  for (const gid of bySize) {
    const shards = held.get(gid) as number[];
    while (shards.length > (share.get(gid) as number)) free.push(shards.pop() as number);
  }
  free.sort((a, b) => a - b);
  const next = [...current];
  for (const gid of gids) {
    const shards = held.get(gid) as number[];
    while (shards.length < (share.get(gid) as number)) {
      const shard = free.shift() as number;
      next[shard] = gid;
      shards.push(shard);
    }
  }
  return next;
  // END SOLUTION
  throw notWritten('rebalance (used by joinBalance and leaveBalance)', '5A');
}
