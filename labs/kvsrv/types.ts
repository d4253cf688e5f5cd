/**
 * The public interface of Lab 2 (MIT 6.5840 2025/2026 `kvsrv1`): a single key/value server
 * with versioned puts, a Clerk that talks to it over a lossy network, and a lock built only on
 * the Clerk's Get and Put. Do not change this file: the tester relies on it.
 *
 * Example (what the tester does):
 * ```ts
 * world.addNode('server', (ctx) => new KVServer(ctx));
 * world.addNode('c0', (ctx) => {
 *   const ck = new Clerk(ctx, { server: 'server' });
 *   const lk = new Lock(ctx, { clerk: ck, name: 'l' });
 *   return { ck, lk };
 * });
 * await ck.put('k', 'v', 0);   // 'OK'
 * await ck.get('k');           // { value: 'v', version: 1, err: 'OK' }
 * ```
 */
import type { NodeContext } from 'distlab';

/** What a Put can return. `ErrMaybe` only ever comes from the Clerk, never from the server. */
export type PutErr = 'OK' | 'ErrNoKey' | 'ErrVersion' | 'ErrMaybe';
/** What a Get can return in `err`. */
export type GetErr = 'OK' | 'ErrNoKey';

/** The result of `Clerk.get`: the value and its version, or `err: 'ErrNoKey'` (then value "" and version 0). */
export interface GetReply {
  readonly value: string;
  readonly version: number;
  readonly err: GetErr;
}

/** The RPC names the server serves (the Go lab's `KVServer.Get` / `KVServer.Put`). */
export const rpcNames = { get: 'KVServer.Get', put: 'KVServer.Put' } as const;

/** The server. It answers the two RPCs in `rpcNames`; the tester never calls it directly. */
export type KVServerClass = new (ctx: NodeContext) => object;

/** What a clerk is built with: the node id of the server. */
export interface ClerkConfig {
  readonly server: string;
}

/**
 * A clerk as the tester (and your lock) sees it. Both methods keep trying until the server
 * answers; they never reject.
 */
export interface KVClerk {
  /** The key's value and version, or `err: 'ErrNoKey'` if it does not exist. */
  get(key: string): Promise<GetReply>;
  /**
   * Installs `value` if `version` equals the key's version (0 creates the key). `ErrVersion`:
   * it did not match. `ErrNoKey`: no such key and version > 0. `ErrMaybe`: a *retransmitted*
   * request got ErrVersion, so an earlier copy may or may not have been applied.
   */
  put(key: string, value: string, version: number): Promise<PutErr>;
}

/** The class the tester builds a clerk from, one per client node (several may share a node). */
export type ClerkClass = new (ctx: NodeContext, config: ClerkConfig) => KVClerk;

/** What a lock is built with: the clerk to use and the key that holds the lock's state. */
export interface LockConfig {
  readonly clerk: KVClerk;
  readonly name: string;
}

/** A lock built only on `clerk.get` and `clerk.put` of the key `name`. */
export interface KVLock {
  /** Returns once this lock object holds the lock; waits (forever, if it must) otherwise. */
  acquire(): Promise<void>;
  /** Gives the lock up; returns once it is released. */
  release(): Promise<void>;
}

/** `ctx` is the client's context (for `ctx.sleep` and `ctx.randomInt`, never for RPCs of its own). */
export type LockClass = new (ctx: NodeContext, config: LockConfig) => KVLock;

/** What the lab's tests take as the implementation under test. */
export interface KvsrvImplementation {
  readonly KVServer: KVServerClass;
  readonly Clerk: ClerkClass;
  readonly Lock: LockClass;
}
