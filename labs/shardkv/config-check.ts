/**
 * The tester's own view of a configuration (never the student's code): well-formed, balanced
 * (Go: shardcfg.CheckConfig), and how few shards a balanced change can move.
 */
import { shardCount, type ShardConfig } from './types';

/** The group ids of a configuration, ascending. */
export function configGids(config: ShardConfig): number[] {
  return Object.keys(config.groups)
    .map(Number)
    .sort((a, b) => a - b);
}

/** One line for messages: `#3 [1 1 1 2 2 2 ...] groups 1,2`. */
export function describeConfig(config: ShardConfig): string {
  return `#${config.num} [${config.shards.join(' ')}] groups ${configGids(config).join(',') || 'none'}`;
}

/** What is wrong with the shape of a value claimed to be a configuration, or null. */
export function configShapeError(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return `a configuration must be an object { num, shards, groups }, got ${JSON.stringify(value)}`;
  const config = value as Partial<ShardConfig>;
  if (!Number.isInteger(config.num)) return `its num must be an integer, got ${JSON.stringify(config.num)}`;
  if (!Array.isArray(config.shards) || config.shards.length !== shardCount || !config.shards.every((gid) => Number.isInteger(gid) && gid >= 0)) {
    return `its shards must be ${shardCount} group ids (0 for none), got ${JSON.stringify(config.shards)}`;
  }
  if (config.groups === null || typeof config.groups !== 'object') return `its groups must map group ids to server lists, got ${JSON.stringify(config.groups)}`;
  for (const [gid, servers] of Object.entries(config.groups)) {
    if (!/^[1-9][0-9]*$/.test(gid)) return `group id ${JSON.stringify(gid)} is not a positive integer`;
    if (!Array.isArray(servers) || servers.length === 0 || !servers.every((server) => typeof server === 'string')) return `group ${gid}'s servers must be a non-empty list of node ids, got ${JSON.stringify(servers)}`;
  }
  return null;
}

/**
 * Go's CheckConfig: exactly the groups `gids`; with groups, every shard on one of them and the
 * group sizes within one of each other; without groups, every shard on group 0. Null when it holds.
 */
export function checkConfig(config: ShardConfig, gids: readonly number[]): string | null {
  const shape = configShapeError(config);
  if (shape !== null) return shape;
  const have = configGids(config);
  const want = [...gids].sort((a, b) => a - b);
  if (have.join(',') !== want.join(',')) return `configuration ${config.num} has groups [${have.join(', ')}], expected [${want.join(', ')}]`;
  if (want.length === 0) {
    const placed = config.shards.findIndex((gid) => gid !== 0);
    return placed === -1 ? null : `configuration ${config.num} has no groups but shard ${placed} is on group ${config.shards[placed]}`;
  }
  const counts = new Map(want.map((gid) => [gid, 0]));
  for (const [shard, gid] of config.shards.entries()) {
    const count = counts.get(gid);
    if (count === undefined) return `configuration ${config.num} puts shard ${shard} on group ${gid}, which is not one of its groups [${want.join(', ')}]`;
    counts.set(gid, count + 1);
  }
  const sizes = [...counts.values()];
  const [least, most] = [Math.min(...sizes), Math.max(...sizes)];
  if (most > least + 1) return `configuration ${config.num} is unbalanced: ${[...counts].map(([gid, count]) => `group ${gid} has ${count}`).join(', ')} (sizes must differ by at most one)`;
  return null;
}

/** Shards whose group differs between two configurations. */
export function movedShards(before: ShardConfig, after: ShardConfig): number[] {
  return before.shards.flatMap((gid, shard) => (after.shards[shard] === gid ? [] : [shard]));
}

/**
 * The fewest shards any balanced assignment to `gids` must move from `before`: a group can keep
 * at most its share (floor(N/n), or one more for `N mod n` of them), and the larger shares are
 * worth one kept shard each only to groups holding more than the floor. Every shard not kept moves.
 */
export function fewestMoves(before: ShardConfig, gids: readonly number[]): number {
  if (gids.length === 0) return before.shards.filter((gid) => gid !== 0).length;
  const base = Math.trunc(shardCount / gids.length); // the smallest balanced share
  const held = gids.map((gid) => before.shards.filter((owner) => owner === gid).length);
  const keptAtBase = held.reduce((sum, count) => sum + Math.min(count, base), 0);
  const aboveBase = held.filter((count) => count > base).length;
  return shardCount - keptAtBase - Math.min(shardCount % gids.length, aboveBase);
}
