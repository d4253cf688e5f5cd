/**
 * Reference of a Lab 5 shard group server (Go: shardkv1/shardgrp/server.go): a replicated state
 * machine (lab 4's RSM over lab 3's Raft) holding, per shard, the configuration number it last
 * changed at, whether this group serves it, and its keys. The controller moves shards with
 * FreezeShard / InstallShard / DeleteShard, each fenced by configuration number.
 */
import type { NodeContext } from 'distlab';
import { firstGid, firstNum, groupRpcNames, key2shard, notWritten, shardCount, type DeleteShardArgs, type FreezeShardArgs, type FreezeShardReply, type GetArgs, type GetReply, type InstallShardArgs, type PutArgs, type PutReply, type RSMNode, type ShardReply, type ShardServerConfig, type StateMachine } from '../../../labs/shardkv/types';

// notebook: group-state 5A
/** One key's value and version (lab 2's versioned Put). */
interface Entry {
  readonly value: string;
  readonly version: number;
}

/**
 * A shard as a group sees it. `num` is the configuration at which it last changed here; a
 * request with an older number comes from a controller that is behind and is refused.
 * `serving`: this group owns it and answers Gets and Puts; `frozen`: given away (the state
 * went to the controller), kept until the controller says it is installed elsewhere; `absent`:
 * nothing here.
 */
interface Shard {
  readonly num: number;
  readonly status: 'serving' | 'frozen' | 'absent';
  readonly data: Readonly<Record<string, Entry>>;
}

/** The operations that go through the group's log. */
type GroupOp =
  | ({ readonly type: 'get' } & GetArgs)
  | ({ readonly type: 'put' } & PutArgs)
  | ({ readonly type: 'freeze' } & FreezeShardArgs)
  | ({ readonly type: 'install' } & InstallShardArgs)
  | ({ readonly type: 'delete' } & DeleteShardArgs);

const wrongLeaderGet: GetReply = { value: '', version: 0, err: 'ErrWrongLeader' };

// notebook: group-machine 5A
/**
 * The group's state machine: every replica applies the same operations in log order, so each
 * decision (serve or refuse, freeze, install, delete) is the same everywhere.
 */
export class ShardStore implements StateMachine {
  private shards: Shard[];

  constructor(gid: number) {
    // The first configuration puts every shard on the first group.
    const initial: Shard = gid === firstGid ? { num: firstNum, status: 'serving', data: {} } : { num: 0, status: 'absent', data: {} };
    this.shards = new Array<Shard>(shardCount).fill(initial);
  }

  doOp(request: unknown): unknown {
    const op = request as GroupOp;
    switch (op.type) {
      case 'get':
        return this.get(op);
      case 'put':
        return this.put(op);
      case 'freeze':
        return this.freeze(op);
      case 'install':
        return this.install(op);
      case 'delete':
        return this.delete(op);
    }
  }

  snapshot(): unknown {
    return JSON.parse(JSON.stringify(this.shards));
  }

  restore(snapshot: unknown): void {
    this.shards = JSON.parse(JSON.stringify(snapshot)) as Shard[];
  }

  private get({ key }: GetArgs): GetReply {
    const shard = this.shards[key2shard(key)];
    // BEGIN SOLUTION
    if (shard.status !== 'serving') return { value: '', version: 0, err: 'ErrWrongGroup' };
    const entry = shard.data[key];
    if (entry === undefined) return { value: '', version: 0, err: 'ErrNoKey' };
    return { value: entry.value, version: entry.version, err: 'OK' };
    // END SOLUTION
    throw notWritten('ShardStore.get', '5A');
  }

  private put({ key, value, version }: PutArgs): PutReply {
    const index = key2shard(key);
    const shard = this.shards[index];
    // BEGIN SOLUTION
    if (shard.status !== 'serving') return { err: 'ErrWrongGroup' };
    const entry = shard.data[key];
    if (entry === undefined && version !== 0) return { err: 'ErrNoKey' };
    if (entry !== undefined && entry.version !== version) return { err: 'ErrVersion' };
    this.shards[index] = { ...shard, data: { ...shard.data, [key]: { value, version: version + 1 } } };
    return { err: 'OK' };
    // END SOLUTION
    throw notWritten('ShardStore.put', '5A');
  }

  /** Stops serving the shard for configuration `num` and hands its state over; refuses an older `num`. */
  private freeze({ shard: index, num }: FreezeShardArgs): FreezeShardReply {
    const shard = this.shards[index];
    // BEGIN SOLUTION
    // Ours as of `num` (it came here in that configuration), or a newer change: the caller is behind.
    if (num < shard.num || (num === shard.num && shard.status === 'serving')) return { state: '', num: shard.num, err: 'ErrWrongGroup' };
    this.shards[index] = { num, status: shard.status === 'serving' ? 'frozen' : shard.status, data: shard.data };
    return { state: JSON.stringify(shard.data), num, err: 'OK' };
    // END SOLUTION
    throw notWritten('ShardStore.freeze', '5A');
  }

  /** Starts serving the shard as of configuration `num`; a copy for a number already seen (a resent install) changes nothing. */
  private install({ shard: index, state, num }: InstallShardArgs): ShardReply {
    // BEGIN SOLUTION
    if (num <= this.shards[index].num) return { err: 'OK' };
    this.shards[index] = { num, status: 'serving', data: JSON.parse(state) as Record<string, Entry> };
    return { err: 'OK' };
    // END SOLUTION
    throw notWritten('ShardStore.install', '5A');
  }

  /** Forgets a shard given away in configuration `num` (only a frozen one: never what this group serves). */
  private delete({ shard: index, num }: DeleteShardArgs): ShardReply {
    const shard = this.shards[index];
    // BEGIN SOLUTION
    if (num >= shard.num && shard.status === 'frozen') this.shards[index] = { num, status: 'absent', data: {} };
    return { err: 'OK' };
    // END SOLUTION
    throw notWritten('ShardStore.delete', '5A');
  }
}

// notebook: group-server 5A
/**
 * A shard group server: every RPC goes through the group's log (even a Get, so that a leader
 * that lost its majority never answers from stale state), and is answered with what the state
 * machine returned, or ErrWrongLeader.
 */
export class ShardServer {
  private readonly machine: RSMNode;

  constructor(ctx: NodeContext, config: ShardServerConfig) {
    const stateMachine = new ShardStore(config.gid);
    this.machine = new config.RSM(ctx, { peers: config.servers, me: config.me, maxRaftState: config.maxRaftState, stateMachine, Raft: config.Raft });
    // BEGIN SOLUTION
    ctx.serve(groupRpcNames.get, (args: GetArgs) => this.submit({ type: 'get', ...args }, wrongLeaderGet));
    ctx.serve(groupRpcNames.put, (args: PutArgs) => this.submit({ type: 'put', ...args }, { err: 'ErrWrongLeader' }));
    ctx.serve(groupRpcNames.freezeShard, (args: FreezeShardArgs) => this.submit({ type: 'freeze', ...args }, { state: '', num: 0, err: 'ErrWrongLeader' }));
    ctx.serve(groupRpcNames.installShard, (args: InstallShardArgs) => this.submit({ type: 'install', ...args }, { err: 'ErrWrongLeader' }));
    ctx.serve(groupRpcNames.deleteShard, (args: DeleteShardArgs) => this.submit({ type: 'delete', ...args }, { err: 'ErrWrongLeader' }));
    return;
    // END SOLUTION
    throw notWritten('ShardServer (serving the ShardGrp RPCs)', '5A');
  }

  /** The group's replica (the tester reads its Raft's state). */
  rsm(): RSMNode {
    return this.machine;
  }

  private async submit<R>(op: GroupOp, wrongLeader: R): Promise<R> {
    const result = await this.machine.submit(op);
    return result.err === 'OK' ? (result.value as R) : wrongLeader;
  }
}
