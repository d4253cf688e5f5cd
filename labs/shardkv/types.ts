/**
 * The public interface of Lab 5 (MIT 6.5840 2025/2026 `shardkv1`): a key/value service whose
 * keys are split into `shardCount` shards, each served by one shard group (a replicated state
 * machine of three servers); a controller that keeps the configuration (which group serves
 * which shard) on a lab-2 key/value server and moves shards between groups; and a Clerk that
 * finds the group of a key. Do not change this file: the tester relies on it.
 *
 * Example (what the tester does):
 * ```ts
 * world.addNode('ctrl-kv', (ctx) => new KVServer(ctx));              // lab 2's server
 * world.addNode('g1-0', (ctx) => new ShardServer(ctx, { gid: 1, servers: ['g1-0', 'g1-1', 'g1-2'], me: 0, maxRaftState: -1, RSM, Raft }));
 * world.addNode('ctl', (ctx) => ({ sck: new ShardCtrler(ctx, { kvServer: 'ctrl-kv', KVClerk }) }));
 * await sck.initConfig(joinBalance(makeShardConfig(), { 1: ['g1-0', 'g1-1', 'g1-2'] }));
 * const ck = new Clerk(clientCtx, { ctrler: sck });
 * await ck.put('k', 'v', 0);   // 'OK'
 * ```
 */
import type { Observable } from 'rxjs';
import type { NodeContext } from 'distlab';

// ----- labs 2, 3 and 4, as lab 5 uses them ---------------------------------------------------
// The shapes of labs/kvsrv/types.ts and labs/kvraft/types.ts, restated so that this file (and a
// lab-5 notebook that imports it) compiles on its own: tslab compiles only the files under the
// notebook's folder, and the grader stages a submission in one folder. TypeScript compares them
// by structure, so your classes from the earlier labs fit both.

/** What a lab-3 Raft peer is built with, and what lab 4 uses of it. */
export interface RaftConfig {
  readonly peers: readonly string[];
  readonly me: number;
}
export type ApplyMessage =
  | { readonly type: 'command'; readonly index: number; readonly command: unknown }
  | { readonly type: 'snapshot'; readonly index: number; readonly term: number; readonly snapshot: unknown };
export interface RaftNode {
  start(command: unknown): { readonly index: number; readonly term: number; readonly isLeader: boolean };
  getState(): { readonly term: number; readonly isLeader: boolean };
  snapshot(index: number, snapshot: unknown): void;
  readonly apply$: Observable<ApplyMessage>;
}
export type RaftClass = new (ctx: NodeContext, config: RaftConfig) => RaftNode;

/** Lab 4's state machine contract: every replica applies the same requests in log order. */
export interface StateMachine {
  doOp(request: unknown): unknown;
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}
/** What lab 4's `submit` resolves to: the state machine's result, or ErrWrongLeader. */
export type SubmitResult = { readonly err: 'OK'; readonly value: unknown } | { readonly err: 'ErrWrongLeader'; readonly value?: undefined };
export interface RSMConfig {
  readonly peers: readonly string[];
  readonly me: number;
  readonly maxRaftState: number;
  readonly stateMachine: StateMachine;
  readonly Raft: RaftClass;
}
/** A replica of lab 4's replicated state machine. */
export interface RSMNode {
  submit(request: unknown): Promise<SubmitResult>;
  raft(): RaftNode;
}
export type RSMClass = new (ctx: NodeContext, config: RSMConfig) => RSMNode;

/** Lab 2's server (it stores the configurations) and its Clerk (the controller talks to it through one). */
export type KVServerClass = new (ctx: NodeContext) => object;
export interface KVClerkApi {
  get(key: string): Promise<{ readonly value: string; readonly version: number; readonly err: 'OK' | 'ErrNoKey' }>;
  put(key: string, value: string, version: number): Promise<'OK' | 'ErrNoKey' | 'ErrVersion' | 'ErrMaybe'>;
}
export type KVClerkClass = new (ctx: NodeContext, config: { readonly server: string }) => KVClerkApi;

/** Shards the key space is split into (Go: shardcfg.NShards). */
export const shardCount = 12;
/** The group that serves every shard in the first configuration (Go: shardcfg.Gid1). */
export const firstGid = 1;
/** The number of the first configuration, the one `initConfig` installs (Go: shardcfg.NumFirst). */
export const firstNum = 1;

/**
 * A configuration: its number, the group of each shard (0: no group), and the server node ids
 * of each group (keys are group ids as strings, since configurations travel as JSON).
 * A plain value: functions that change it return a new one.
 */
export interface ShardConfig {
  readonly num: number;
  /** `shards[s]` is the group id serving shard s, 0 when none; length `shardCount`. */
  readonly shards: readonly number[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

/**
 * The shard of a key: FNV-1a (32 bits) of its UTF-8 bytes, modulo `shardCount` (Go: Key2Shard).
 * Given, not yours: the tester uses it to know which group must answer.
 */
export function key2shard(key: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shardCount;
}

/** What a shard group's RPCs and the Clerks can return. */
export type Err = 'OK' | 'ErrNoKey' | 'ErrVersion' | 'ErrMaybe' | 'ErrWrongLeader' | 'ErrWrongGroup';

/** The RPC names a shard group's servers serve (the Go lab's shardgrp methods). */
export const groupRpcNames = {
  get: 'ShardGrp.Get',
  put: 'ShardGrp.Put',
  freezeShard: 'ShardGrp.FreezeShard',
  installShard: 'ShardGrp.InstallShard',
  deleteShard: 'ShardGrp.DeleteShard',
} as const;

/** Arguments and replies of the group RPCs; the tester's probe reads these fields. */
export interface GetArgs {
  readonly key: string;
}
export interface GetReply {
  readonly value: string;
  readonly version: number;
  readonly err: Err;
}
export interface PutArgs {
  readonly key: string;
  readonly value: string;
  readonly version: number;
}
export interface PutReply {
  readonly err: Err;
}
/** Stop serving `shard` and hand over its state, for the move to configuration `num`. */
export interface FreezeShardArgs {
  readonly shard: number;
  readonly num: number;
}
/** `state` is opaque to the controller (it carries it to the new group as is). */
export interface FreezeShardReply {
  readonly state: string;
  readonly num: number;
  readonly err: Err;
}
/** Start serving `shard` with `state`, as of configuration `num`. */
export interface InstallShardArgs {
  readonly shard: number;
  readonly state: string;
  readonly num: number;
}
/** Forget `shard` (given away in configuration `num`). */
export interface DeleteShardArgs {
  readonly shard: number;
  readonly num: number;
}
export interface ShardReply {
  readonly err: Err;
}

/** What a shard group server is built with. */
export interface ShardServerConfig {
  /** This server's group. */
  readonly gid: number;
  /** Node ids of the group's servers, in the same order on every server; `servers[me]` is this one. */
  readonly servers: readonly string[];
  readonly me: number;
  /** Snapshot when the persisted Raft state passes this many bytes; -1: never. */
  readonly maxRaftState: number;
  /** Lab 4's replicated state machine, to build this server's replica with (your RSM). */
  readonly RSM: RSMClass;
  /** Lab 3's Raft, passed on to the RSM (your Raft). */
  readonly Raft: RaftClass;
}

/** A shard group server. It answers `groupRpcNames`; the tester reads `rsm()` (e.g. to find the leader). */
export interface ShardServerNode {
  rsm(): RSMNode;
}

export type ShardServerClass = new (ctx: NodeContext, config: ShardServerConfig) => ShardServerNode;

/**
 * What a controller is built with: the node id of the lab-2 server that stores configurations,
 * and your lab-2 Clerk class to talk to it (`new KVClerk(ctx, { server: kvServer })`).
 */
export interface ShardCtrlerConfig {
  readonly kvServer: string;
  readonly KVClerk: KVClerkClass;
}

/**
 * The controller (Go: shardctrler.ShardCtrler). Every method keeps trying until it is done;
 * none rejects.
 */
export interface ShardCtrlerApi {
  /** Stores the first configuration (the tester calls it once, before anything else). */
  initConfig(config: ShardConfig): Promise<void>;
  /** 5B: a new controller finishes a configuration change an old one left half done. */
  initController(): Promise<void>;
  /**
   * Moves every shard whose group changes from `config.num - 1` to `config`, then posts `config`
   * as the current configuration. 5C: when another controller already posted this number or a
   * later one, does nothing.
   */
  changeConfigTo(config: ShardConfig): Promise<void>;
  /** The current configuration. */
  query(): Promise<ShardConfig>;
}

/** `ctx` is the controller's node: it makes the RPCs to the lab-2 server and to the groups. */
export type ShardCtrlerClass = new (ctx: NodeContext, config: ShardCtrlerConfig) => ShardCtrlerApi;

/** What a Clerk is built with: a controller to query (only `query()` is used). */
export interface ShardClerkConfig {
  readonly ctrler: Pick<ShardCtrlerApi, 'query'>;
}

/** A client of the sharded service: lab 2's Get and versioned Put, for any key. */
export interface ShardClerkApi {
  get(key: string): Promise<GetReply>;
  /** Like lab 2's Put: OK, ErrNoKey, ErrVersion, or ErrMaybe when a resent Put got ErrVersion. */
  put(key: string, value: string, version: number): Promise<Err>;
}

export type ShardClerkClass = new (ctx: NodeContext, config: ShardClerkConfig) => ShardClerkApi;

/** The configuration functions (Go: shardcfg's JoinBalance and LeaveBalance). */
export interface ShardConfigFunctions {
  /** An empty configuration: number 0, no groups, every shard on group 0. */
  makeShardConfig(): ShardConfig;
  /**
   * Adds `groups` (gid -> servers) and rebalances: the next number, every shard on a group,
   * group sizes differing by at most one, and as few shards moved as possible.
   */
  joinBalance(config: ShardConfig, groups: Readonly<Record<number, readonly string[]>>): ShardConfig;
  /** Removes the groups `gids` and rebalances, with the same rules as `joinBalance`. */
  leaveBalance(config: ShardConfig, gids: readonly number[]): ShardConfig;
}

/** What the lab's tests take as the implementation under test. */
export interface ShardkvImplementation extends ShardConfigFunctions {
  /** Your lab-3 Raft and lab-4 RSM: the shard groups run on them. */
  readonly Raft: RaftClass;
  readonly RSM: RSMClass;
  /** Lab 2's server, which stores the configurations, and its Clerk, which the controller uses. */
  readonly KVServer: KVServerClass;
  readonly KVClerk: KVClerkClass;
  readonly ShardServer: ShardServerClass;
  readonly ShardCtrler: ShardCtrlerClass;
  readonly Clerk: ShardClerkClass;
}

/**
 * What an unwritten part of the skeleton throws, so a test fails at once with a sentence naming
 * it, instead of a clerk retrying until the test's time runs out.
 */
export function notWritten(what: string, part: string): Error {
  return new Error(`${what} is not written yet (part ${part}): fill in its "Your code here" in labs/shardkv/ (or in the lab notebook shardkv.ipynb)`);
}
