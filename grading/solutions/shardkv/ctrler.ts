/**
 * Reference of Lab 5's controller (Go: shardkv1/shardctrler): configurations live on a lab-2
 * key/value server, written with versioned Puts. A change is first claimed by posting it as
 * the next configuration (only one controller's versioned Put can win a number: 5C), then its
 * shards move (freeze at the old group, install at the new, delete at the old, each fenced by the
 * new number), then it is posted as the current configuration. A controller that finds a next
 * configuration newer than the current one finishes it (5B).
 */
import type { NodeContext } from 'distlab';
import { groupRpcNames, notWritten, type FreezeShardReply, type ShardConfig, type KVClerkApi, type ShardCtrlerApi, type ShardCtrlerConfig, type ShardReply } from '../../../labs/shardkv/types';
import { GroupClerk } from './clerk';

// notebook: ctrler 5A
/** The keys on the lab-2 server: the current configuration, and the one being moved to. */
export const configKey = 'config';
export const nextKey = 'nextconfig';

/** A configuration as stored: parsed, with the version of its key (0 when the key is missing). */
interface Stored {
  readonly config: ShardConfig | null;
  readonly version: number;
  readonly text: string;
}

export class ShardCtrler implements ShardCtrlerApi {
  private readonly kv: KVClerkApi;

  constructor(
    private readonly ctx: NodeContext,
    config: ShardCtrlerConfig,
  ) {
    this.kv = new config.KVClerk(ctx, { server: config.kvServer });
  }

  async initConfig(config: ShardConfig): Promise<void> {
    await this.kv.put(configKey, JSON.stringify(config), 0);
  }

  async query(): Promise<ShardConfig> {
    const { config } = await this.read(configKey);
    if (config === null) throw new Error('ShardCtrler.query: no configuration stored yet; the tester calls initConfig first');
    return config;
  }

  /** 5B: finishes a change that a controller claimed (posted as next) but did not post as current. */
  async initController(): Promise<void> {
    // BEGIN SOLUTION (5B)
    // The next configuration first: one is posted only after it was claimed as next, so the
    // current one read afterwards is either its predecessor (finish the change from there) or
    // it (nothing to do). Read the other way round, "current" may be two changes old, and the
    // moves computed from it would freeze shards at groups that no longer hold them and install
    // empty ones (a data loss TestAcquireLockConcurrentUnreliable5C found on seed 5841).
    const next = await this.read(nextKey);
    const now = await this.read(configKey);
    if (now.config !== null && next.config !== null && next.config.num === now.config.num + 1) await this.finish(now, next.config);
    // END SOLUTION
  }

  async changeConfigTo(target: ShardConfig): Promise<void> {
    const current = await this.read(configKey);
    if (current.config === null || target.num <= current.config.num) return;
    // BEGIN SOLUTION (5C)
    const next = await this.read(nextKey);
    if (next.config !== null && next.config.num >= target.num) return; // another controller has this number
    if (!(await this.claim(target, next.version))) return;
    // END SOLUTION
    await this.finish(current, target);
  }

  /** Posts `target` as the next configuration; false when another controller's Put won. */
  private async claim(target: ShardConfig, version: number): Promise<boolean> {
    // BEGIN SOLUTION (5C)
    const text = JSON.stringify(target);
    const err = await this.kv.put(nextKey, text, version);
    if (err === 'OK') return true;
    if (err !== 'ErrMaybe') return false;
    return (await this.read(nextKey)).text === text; // ours if what is there is ours
    // END SOLUTION
    throw notWritten('ShardCtrler.claim', '5C');
  }

  /** Moves the shards, then posts `target` as current (a versioned Put: if another controller posted it first, nothing changes). */
  private async finish(current: Stored, target: ShardConfig): Promise<void> {
    // BEGIN SOLUTION
    const from = current.config as ShardConfig;
    const shards = target.shards.flatMap((gid, shard) => (from.shards[shard] === gid ? [] : [shard]));
    const moved = await Promise.all(shards.map((shard) => this.moveShard(shard, from, target)));
    if (moved.every(Boolean)) await this.kv.put(configKey, JSON.stringify(target), current.version);
    return;
    // END SOLUTION
    throw notWritten('ShardCtrler.finish', '5A');
  }

  /**
   * Freeze at the old group, install at the new, delete at the old, all as of `target.num`.
   * False when a group has seen a newer configuration: another controller moved on, so stop.
   */
  private async moveShard(shard: number, from: ShardConfig, target: ShardConfig): Promise<boolean> {
    // BEGIN SOLUTION
    const [source, destination] = [from.shards[shard], target.shards[shard]];
    const num = target.num;
    let state = '{}';
    if (source !== 0) {
      const frozen = await this.group(from, source).call<FreezeShardReply>(groupRpcNames.freezeShard, { shard, num }, Infinity);
      if (frozen.reply?.err !== 'OK') return false;
      state = frozen.reply.state;
    }
    if (destination === 0) return true; // no group left: the frozen state stays where it is
    const installed = await this.group(target, destination).call<ShardReply>(groupRpcNames.installShard, { shard, state, num }, Infinity);
    if (installed.reply?.err !== 'OK') return false;
    if (source !== 0) await this.group(from, source).call<ShardReply>(groupRpcNames.deleteShard, { shard, num }, Infinity);
    return true;
    // END SOLUTION
    throw notWritten('ShardCtrler.moveShard', '5A');
  }

  private group(config: ShardConfig, gid: number): GroupClerk {
    return new GroupClerk(this.ctx, config.groups[String(gid)] ?? []);
  }

  private async read(key: string): Promise<Stored> {
    const reply = await this.kv.get(key);
    if (reply.err === 'ErrNoKey') return { config: null, version: 0, text: '' };
    return { config: JSON.parse(reply.value) as ShardConfig, version: reply.version, text: reply.value };
  }
}
