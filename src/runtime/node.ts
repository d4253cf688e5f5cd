import type { Observable, SchedulerLike } from 'rxjs';

/** Why an RPC failed. A failure is a value: the network loses things, code must cope. */
export type RpcFailureReason =
  /** The request never arrived (partition, disconnection, unreliable drop). */
  | 'request-lost'
  /** The request arrived but the reply never came back. */
  | 'reply-lost'
  /** The peer was down, or crashed before it replied. */
  | 'peer-crashed'
  /** No reply within the caller's `timeoutMs`. */
  | 'timeout'
  /** No node with that id exists (a bug in the caller; also logged as a node error). */
  | 'unknown-peer'
  /** The peer serves no such method (a bug; also logged as a node error). */
  | 'unknown-method'
  /** The peer's handler threw (a bug in the peer; logged as a node error). */
  | 'handler-error';

/**
 * The result of `ctx.call()`: the labrpc contract, a reply or a failure, never an exception.
 * Both variants declare both fields so that notebook cells, which tslab compiles without
 * strict mode (where `if (r.ok)` does not narrow), can still read `r.value` and `r.reason`.
 */
export type RpcResult<R> =
  | { readonly ok: true; readonly value: R; readonly reason?: undefined }
  | { readonly ok: false; readonly reason: RpcFailureReason; readonly value?: undefined };

export interface CallOptions {
  /** Give up after this many virtual ms with reason 'timeout'. Default: wait for the network's answer. */
  readonly timeoutMs?: number;
}

/** An RPC request as it reaches a node (on `ctx.requests$`, before its handler runs). */
export interface IncomingRequest {
  readonly from: string;
  readonly method: string;
  readonly args: unknown;
  readonly call: number;
}

/** A one-way message as it reaches a node. */
export interface IncomingMessage {
  readonly from: string;
  readonly type: string;
  readonly payload: unknown;
}

/**
 * An RPC handler: returns the reply directly, as a promise, or as an observable (its first
 * value is the reply). `from` is the caller's id.
 */
export type RpcHandler<A = any, R = unknown> = (args: A, from: string) => R | Promise<R> | Observable<R>;

/**
 * Stable storage that survives crashes (labrpc's Persister). Values are copied through the
 * codec on save and on read, so later changes to your objects never leak into storage.
 * Sizes are encoded bytes. `save` writes both parts at once, as the Go Persister does: pass the
 * current snapshot again when you only change the state.
 */
export interface Persister {
  save(state: unknown, snapshot: unknown): void;
  /** The last saved state, or null if nothing was saved. */
  readState<T = unknown>(): T | null;
  /** The last saved snapshot, or null. */
  readSnapshot<T = unknown>(): T | null;
  stateSize(): number;
  snapshotSize(): number;
}

/**
 * What a node sees of the world. One context per incarnation: a crash revokes it, a restart
 * builds a new node with a new context.
 *
 * A node's duties, in order:
 * 1. Build everything in the factory from `ctx` alone; keep no module-level state.
 * 2. Answer RPCs with `ctx.serve(method, handler)`; reply only after persisting what the
 *    reply promises (for Raft: persist before replying to RequestVote or AppendEntries).
 * 3. Pass `ctx.scheduler` to every timed RxJS operator (`timer(ms, ctx.scheduler)`,
 *    `delay(ms, ctx.scheduler)`, `timeout({ each, scheduler: ctx.scheduler })`); with async code
 *    use `await ctx.sleep(ms)`. Never use setTimeout, Date.now or Math.random.
 * 4. Await only what `ctx` gives you (`call`, `sleep`); RxJS nodes use `call$`.
 * 5. Never use a revoked context: after a crash, nothing of the old node may run. The runtime
 *    guarantees its timers, calls and subscriptions never fire again.
 *
 * Example (an echo server and a pinging client):
 * ```ts
 * world.addNode('server', (ctx) => { ctx.serve('Echo', (args: { text: string }) => args); return {}; });
 * world.addNode('client', (ctx) => {
 *   timer(0, 100, ctx.scheduler).pipe(switchMap(() => ctx.call$('server', 'Echo', { text: 'hi' })))
 *     .subscribe((result) => ctx.log(result.ok ? 'pong' : `lost: ${result.reason}`));
 *   return {};
 * });
 * ```
 */
export interface NodeContext {
  /** This node's id. */
  readonly id: string;
  /** 0 for the first start, then one more per restart. */
  readonly incarnation: number;
  /** RxJS scheduler on virtual time; pass it to every timed operator. */
  readonly scheduler: SchedulerLike;
  /** Every RPC request that arrives, just before its handler runs. */
  readonly requests$: Observable<IncomingRequest>;
  /** Every one-way message that arrives. */
  readonly messages$: Observable<IncomingMessage>;
  /** Stable storage that survives crashes. */
  readonly persister: Persister;
  /** Aborted when this incarnation crashes (for async code that wants to notice). */
  readonly signal: AbortSignal;
  /** This node's clock in ms: virtual time, unless the world gave the node drift (`World.setClock`). */
  now(): number;
  /** A float in [0, 1) from the world's seeded source. */
  random(): number;
  /** An integer in [min, max] from the world's seeded source. */
  randomInt(min: number, max: number): number;
  /** Registers the handler for an RPC method (one per method; registering again replaces it). */
  serve<A = any, R = unknown>(method: string, handler: RpcHandler<A, R>): void;
  /** Calls `method` on `peer`; resolves to the reply or to a failure value. */
  call<R = unknown>(peer: string, method: string, args: unknown, options?: CallOptions): Promise<RpcResult<R>>;
  /** `call` as a cold observable: subscribing sends, one result then completion; unsubscribing ignores the reply. */
  call$<R = unknown>(peer: string, method: string, args: unknown, options?: CallOptions): Observable<RpcResult<R>>;
  /** Sends a one-way message (delivered at most once unless the network duplicates it). */
  send(peer: string, type: string, payload: unknown): void;
  /** Resolves after `ms` ms of this node's clock (never, if the node crashes first). */
  sleep(ms: number): Promise<void>;
  /** Writes a line to this node's log in the trace. */
  log(message: string): void;
  /** Records a role change (drawn by the role/term timeline). */
  role(role: string, term: number): void;
  /** Records a named number over time (e.g. commitIndex), drawn by metric plots. */
  metric(name: string, value: number): void;
}

/**
 * Builds a node from its context. Called at start and at every restart; the returned object is
 * the node as the tester sees it (`world.node(id)`), e.g. a Raft instance with `start()`.
 */
export type NodeFactory<N extends object = object> = (ctx: NodeContext) => N;
