/**
 * The public interface of Lab 4 (MIT 6.5840 2025/2026 `kvraft1`): a replicated state machine
 * layer (`RSM`, part 4A) over your Raft from lab 3, and the versioned key/value service of lab 2
 * (`KVServer` and `Clerk`, parts 4B and 4C) running on it. Do not change this file: the tester
 * (and lab 5's shard groups) rely on it.
 *
 * Your Raft is an argument, never an import: the tester passes the Raft class in
 * `RSMConfig.Raft` (and `KVServerConfig.Raft`), taken from the `Raft` your submission exports,
 * i.e. your lab-3 Raft (README.md: "Bringing in your Raft").
 *
 * Example (what the 4A tester does for server 1 of 3):
 * ```ts
 * world.addNode('1', (ctx) => {
 *   const counter = new CounterMachine();                // the tester's StateMachine
 *   const rsm = new RSM(ctx, { peers: ['0', '1', '2'], me: 1, maxRaftState: -1, stateMachine: counter, Raft });
 *   return { rsm, counter };
 * });
 * const reply = await rsm.submit({ type: 'inc' });       // { err: 'OK', value: 1 } or { err: 'ErrWrongLeader' }
 * ```
 */
import type { Observable } from 'rxjs';
import type { NodeContext } from 'distlab';

// ----- lab 3's Raft, as lab 4 uses it ----------------------------------------------------------
// The same shapes as labs/raft/types.ts, restated so that a lab-4 submission compiles on its own
// (the grader stages it in one folder, without labs/raft). TypeScript compares them by
// structure, so your lab-3 Raft fits both.

/** What a Raft peer knows at construction: every peer's node id and its own position. */
export interface RaftConfig {
  readonly peers: readonly string[];
  readonly me: number;
}

/** What `start(command)` returns. */
export interface StartResult {
  readonly index: number;
  readonly term: number;
  readonly isLeader: boolean;
}

/** What `getState()` returns. */
export interface RaftStatus {
  readonly term: number;
  readonly isLeader: boolean;
}

/** What a peer delivers on `apply$`, in log order: committed commands, and snapshots from the leader. */
export type ApplyMessage =
  | { readonly type: 'command'; readonly index: number; readonly command: unknown }
  | { readonly type: 'snapshot'; readonly index: number; readonly term: number; readonly snapshot: unknown };

/** A Raft peer as lab 4 uses it (lab 3's interface). */
export interface RaftNode {
  start(command: unknown): StartResult;
  getState(): RaftStatus;
  snapshot(index: number, snapshot: unknown): void;
  readonly apply$: Observable<ApplyMessage>;
}

/** The Raft class: `new Raft(ctx, { peers, me })`. */
export type RaftClass = new (ctx: NodeContext, config: RaftConfig) => RaftNode;

// ----- 4A: the replicated state machine ------------------------------------------------------

/**
 * What the RSM replicates. The RSM calls `doOp` once per committed request, in log order, on
 * every replica; `snapshot` and `restore` carry the state across log compaction and restarts.
 * Requests, results and snapshots must be plain data (they go through the Raft log and the
 * persister).
 */
export interface StateMachine {
  /** Applies one committed request and returns its result (what `submit` resolves to on the replica that submitted it). */
  doOp(request: unknown): unknown;
  /** The whole state as plain data (called when the Raft state grows past `maxRaftState`). */
  snapshot(): unknown;
  /** Replaces the whole state by a snapshot's (at restart, and when Raft installs a leader's snapshot). */
  restore(snapshot: unknown): void;
}

/** What an RSM replica knows at construction. */
export interface RSMConfig {
  /** Node ids of all replicas, in the same order on every replica; `peers[me]` is this one. */
  readonly peers: readonly string[];
  readonly me: number;
  /**
   * Snapshot once the persisted Raft state (`ctx.persister.stateSize()`, bytes) reaches this;
   * -1: never snapshot.
   */
  readonly maxRaftState: number;
  readonly stateMachine: StateMachine;
  /** The Raft class to build this replica's Raft peer with: `new Raft(ctx, { peers, me })`. */
  readonly Raft: RaftClass;
}

/** What `submit` resolves to: the request's result, or a wrong-leader error (try another replica). */
export type SubmitResult =
  | { readonly err: 'OK'; readonly value: unknown }
  | { readonly err: 'ErrWrongLeader'; readonly value?: undefined };

/** An RSM replica as the tester (and a key/value server, or a shard group) sees it. */
export interface RSMNode {
  /**
   * Proposes `request` for the log and resolves once it is applied at this replica, with
   * `doOp`'s result, or with `ErrWrongLeader` when this replica is not the leader or lost
   * leadership before the request committed (another request took its index, or the term
   * moved on). Never rejects; must resolve even if the request is never committed.
   */
  submit(request: unknown): Promise<SubmitResult>;
  /** This replica's Raft peer (the tester reads `getState()`). */
  raft(): RaftNode;
}

/** The class the tester builds a replica from: `new RSM(ctx, config)`. */
export type RSMClass = new (ctx: NodeContext, config: RSMConfig) => RSMNode;

// ----- 4B/4C: the key/value service -----------------------------------------------------------

/** What a Put can return (lab 2's semantics, restated from labs/kvsrv/types.ts so a submission compiles alone). `ErrMaybe` only ever comes from the Clerk. */
export type PutErr = 'OK' | 'ErrNoKey' | 'ErrVersion' | 'ErrMaybe';
/** What a Get can return in `err`. */
export type GetErr = 'OK' | 'ErrNoKey';

/** The result of `Clerk.get`: the value and its version, or `err: 'ErrNoKey'` (value "" and version 0). */
export interface GetReply {
  readonly value: string;
  readonly version: number;
  readonly err: GetErr;
}

/** The RPC names a key/value server serves. A server that is not the leader answers `ErrWrongLeader`. */
export const rpcNames = { get: 'KVServer.Get', put: 'KVServer.Put' } as const;

/** What a key/value server knows at construction. */
export interface KVServerConfig {
  readonly peers: readonly string[];
  readonly me: number;
  /** Passed on to the RSM: snapshot once the persisted Raft state reaches this many bytes; -1 never. */
  readonly maxRaftState: number;
  /** The Raft class, passed on to the RSM. */
  readonly Raft: RaftClass;
}

/** The server. It answers the two RPCs in `rpcNames`; the tester reads `rsm()` for checks. */
export interface KVServerNode {
  rsm(): RSMNode;
}

export type KVServerClass = new (ctx: NodeContext, config: KVServerConfig) => KVServerNode;

/** What a clerk is built with: the node ids of the servers it may talk to. */
export interface ClerkConfig {
  readonly servers: readonly string[];
}

/** A clerk: lab 2's Get and Put, over a replicated service. Both keep trying until a leader answers; they never reject. */
export interface KVClerk {
  get(key: string): Promise<GetReply>;
  put(key: string, value: string, version: number): Promise<PutErr>;
}

export type ClerkClass = new (ctx: NodeContext, config: ClerkConfig) => KVClerk;

/**
 * What the lab's tests take as the implementation under test. `Raft` is your lab-3 Raft; part
 * 4A needs `Raft` and `RSM`, parts 4B and 4C also `KVServer` and `Clerk`.
 */
export interface KvraftImplementation {
  readonly Raft: RaftClass;
  readonly RSM: RSMClass;
  readonly KVServer?: KVServerClass;
  readonly Clerk?: ClerkClass;
}
