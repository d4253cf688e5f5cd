/**
 * Lab 4's key/value service in real mode: every node process runs the implementation's
 * `KVServer` (over its RSM and its own Raft), and the runner's clients are the implementation's
 * `Clerk`, built on the runner host's context, so their calls go over ZeroMQ like the servers'.
 * Nothing here is a lab answer: the student's KVServer, Clerk and Raft are what runs (the
 * reference's for an instructor who passes no --impl).
 *
 * The shapes restate labs/kvraft/types.ts (src/ does not import labs/); TypeScript compares them
 * by structure.
 */
import { tap } from 'rxjs';
import type { KvVersionedInput, KvVersionedOutput } from '../check';
import type { GetReply } from '../check/linearizability';
import type { NodeContext, NodeFactory, RpcResult } from '../runtime/node';
import type { KvService, WorkloadState } from './workload';

export interface KVServerConfig {
  readonly peers: readonly string[];
  readonly me: number;
  readonly maxRaftState: number;
  readonly Raft: unknown;
}
export type KVServerConstructor = new (ctx: NodeContext, config: KVServerConfig) => object;

export interface KVClerk {
  get(key: string): Promise<GetReply>;
  put(key: string, value: string, version: number): Promise<KvVersionedOutput>;
}
export type ClerkConstructor = new (ctx: NodeContext, config: { readonly servers: readonly string[] }) => KVClerk;

/** What real mode takes from a kvraft implementation. */
export interface KvraftClasses {
  readonly Raft: unknown;
  readonly KVServer: KVServerConstructor;
  readonly Clerk: ClerkConstructor;
}

/**
 * Each server snapshots once its persisted Raft state reaches this many bytes (the lab's
 * `maxRaftState`): every persist rewrites and fsyncs the whole state file, so a short log keeps
 * a save cheap, and a restarted node reads a snapshot instead of replaying a long log.
 */
export const maxRaftStateBytes = 8_000;

const shapes: Record<keyof KvraftClasses, string> = {
  Raft: 'your lab-3 Raft (export { Raft } from \'../raft/raft\')',
  KVServer: 'new KVServer(ctx, { peers, me, maxRaftState, Raft }) serving KVServer.Get and KVServer.Put',
  Clerk: 'new Clerk(ctx, { servers }) with get(key) and put(key, value, version)',
};

/** The three classes out of an implementation's exports; an error names what is missing and what is expected. */
export function kvraftClasses(exports: Readonly<Record<string, unknown>>, entry: string): KvraftClasses {
  for (const [name, shape] of Object.entries(shapes)) {
    if (typeof exports[name] !== 'function') {
      throw new Error(`real mode runs lab 4's service, so ${entry} must export ${name}: ${shape}; it exports ${Object.keys(exports).join(', ') || 'nothing'}`);
    }
  }
  return { Raft: exports.Raft, KVServer: exports.KVServer as KVServerConstructor, Clerk: exports.Clerk as ClerkConstructor };
}

/** The node a real-mode process hosts: the implementation's KVServer, built again at every restart. */
export function kvServerNode(classes: KvraftClasses, group: readonly string[], me: number): NodeFactory<object> {
  return (ctx) => new classes.KVServer(ctx, { peers: group, me, maxRaftState: maxRaftStateBytes, Raft: classes.Raft });
}

/** Replies that only a leader gives (a server that is not the leader answers ErrWrongLeader or similar). */
const leaderAnswers: ReadonlySet<string> = new Set(['OK', 'ErrNoKey', 'ErrVersion']);

/**
 * The runner's context as the Clerks see it: unchanged, except that a reply only a leader gives
 * marks its sender as the likely leader (the nemesis aims kills and pauses at it).
 */
function leaderWatchingContext(ctx: NodeContext, state: WorkloadState): NodeContext {
  const note = (peer: string, result: RpcResult<unknown>) => {
    const err = (result.value as { err?: unknown } | null | undefined)?.err;
    if (result.ok && typeof err === 'string' && leaderAnswers.has(err)) state.lastServer = peer;
  };
  const call = ((peer: string, method: string, args: unknown, options?: object) =>
    ctx.call(peer, method, args, options).then((result) => {
      note(peer, result);
      return result;
    })) as NodeContext['call'];
  const call$ = ((peer: string, method: string, args: unknown, options?: object) =>
    ctx.call$<unknown>(peer, method, args, options).pipe(tap((result: RpcResult<unknown>) => note(peer, result)))) as NodeContext['call$'];
  return new Proxy(ctx, {
    get(target, property) {
      if (property === 'call') return call;
      if (property === 'call$') return call$;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...parameters: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The workload's service: one Clerk per workload client, on the runner host's context. A Clerk
 * keeps trying until a leader answers, so an operation past its deadline is left to it and
 * recorded as unknown, and the client goes on with a fresh Clerk (a Clerk is used by one
 * operation at a time). Abandoned Clerks stop when the run closes the runner's context.
 */
export function clerkService(ctx: NodeContext, servers: readonly string[], Clerk: ClerkConstructor, state: WorkloadState, nowMs: () => number): KvService {
  const watched = leaderWatchingContext(ctx, state);
  const clerks = new Map<string, KVClerk>();
  return {
    nowMs,
    execute: async (client: string, input: KvVersionedInput, deadlineMs: number) => {
      const clerk = clerks.get(client) ?? new Clerk(watched, { servers });
      clerks.set(client, clerk);
      const operation: Promise<KvVersionedOutput> = input.kind === 'get' ? clerk.get(input.key) : clerk.put(input.key, input.value, input.version);
      const output = await Promise.race([operation, ctx.sleep(deadlineMs).then(() => null)]);
      if (output === null) clerks.delete(client);
      return output;
    },
  };
}
