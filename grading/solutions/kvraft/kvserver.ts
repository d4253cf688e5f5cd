/**
 * Reference key/value server and Clerk for distlab's Lab 4 (parts 4B and 4C): lab 2's versioned
 * Get and Put, replicated through the RSM. Every Get and Put goes through the log (a Get served
 * from the leader's local state could be stale: the leader may have been deposed without knowing).
 *
 * ONE SOURCE OF TRUTH: the lab notebook's server and Clerk cells and the student skeleton are cut
 * from this file (`// notebook:` markers, `// BEGIN SOLUTION` ... `// END SOLUTION` regions).
 */
import type { NodeContext } from 'distlab';
import { rpcNames, type ClerkConfig, type GetReply, type KVClerk, type KVServerConfig, type KVServerNode, type PutErr, type RSMNode, type StateMachine } from '../../../labs/kvraft/types';
import { RSM } from './rsm';

// notebook: kv-messages
/** A request in the log: what the state machine applies. */
type KvRequest = { readonly kind: 'get'; readonly key: string } | { readonly kind: 'put'; readonly key: string; readonly value: string; readonly version: number };

/**
 * RPC arguments and replies. A server that is not the leader answers `ErrWrongLeader`: the
 * request never entered a log, so the Clerk may resend it elsewhere as a first send. A leader
 * that started the request and then lost its term answers `ErrLeadershipLost`: the entry may
 * still commit under the next leader, so a later ErrVersion may be this very Put (ErrMaybe).
 */
type WrongLeader = { readonly err: 'ErrWrongLeader' | 'ErrLeadershipLost' };
interface GetArgs {
  readonly key: string;
}
type GetRpcReply = GetReply | WrongLeader;
interface PutArgs {
  readonly key: string;
  readonly value: string;
  readonly version: number;
}
type PutRpcReply = { readonly err: Exclude<PutErr, 'ErrMaybe'> } | WrongLeader;

/**
 * How long a Clerk waits for one server's answer before trying the next. A leader cut off from
 * the majority keeps its term and never answers; the Clerk must move on (the tests allow 1 s of
 * no progress in a minority, and want completion within 3 s after a heal).
 */
const clerkCallTimeoutMs = 500;
/** After trying every server once without an answer, the Clerk waits this long (an election is likely under way). */
const clerkRoundSleepMs = 50;

// notebook: kv-server
export class KVServer implements KVServerNode, StateMachine {
  private readonly data = new Map<string, { value: string; version: number }>();
  private readonly replicated: RSMNode;

  constructor(ctx: NodeContext, config: KVServerConfig) {
    this.replicated = new RSM(ctx, { peers: config.peers, me: config.me, maxRaftState: config.maxRaftState, stateMachine: this, Raft: config.Raft });
    ctx.serve(rpcNames.get, (args: GetArgs) => this.get(args));
    ctx.serve(rpcNames.put, (args: PutArgs) => this.put(args));
  }

  rsm(): RSMNode {
    return this.replicated;
  }

  private async get(args: GetArgs): Promise<GetRpcReply> {
    // BEGIN SOLUTION
    return (await this.submit({ kind: 'get', key: args.key })) as GetRpcReply;
    // END SOLUTION
    return { err: 'ErrWrongLeader' };
  }

  private async put(args: PutArgs): Promise<PutRpcReply> {
    // BEGIN SOLUTION
    return (await this.submit({ kind: 'put', key: args.key, value: args.value, version: args.version })) as PutRpcReply;
    // END SOLUTION
    return { err: 'ErrWrongLeader' };
  }

  // BEGIN SOLUTION
  /** Submits a request through the log; doOp's result, or which kind of wrong leader we are. */
  private async submit(request: KvRequest): Promise<unknown> {
    if (!this.replicated.raft().getState().isLeader) return { err: 'ErrWrongLeader' } satisfies WrongLeader;
    const result = await this.replicated.submit(request);
    return result.err === 'OK' ? result.value : ({ err: 'ErrLeadershipLost' } satisfies WrongLeader);
  }
  // END SOLUTION

  /** Lab 2's semantics, applied in log order on every replica. */
  doOp(request: unknown): unknown {
    const req = request as KvRequest;
    // BEGIN SOLUTION
    const entry = this.data.get(req.key);
    if (req.kind === 'get') return entry === undefined ? { value: '', version: 0, err: 'ErrNoKey' } : { value: entry.value, version: entry.version, err: 'OK' };
    if (entry === undefined) {
      if (req.version !== 0) return { err: 'ErrNoKey' };
      this.data.set(req.key, { value: req.value, version: 1 });
      return { err: 'OK' };
    }
    if (entry.version !== req.version) return { err: 'ErrVersion' };
    this.data.set(req.key, { value: req.value, version: entry.version + 1 });
    return { err: 'OK' };
    // END SOLUTION
    return null;
  }

  snapshot(): unknown {
    // BEGIN SOLUTION
    return [...this.data].map(([key, { value, version }]) => [key, value, version]);
    // END SOLUTION
    return null;
  }

  restore(snapshot: unknown): void {
    // BEGIN SOLUTION
    this.data.clear();
    for (const [key, value, version] of snapshot as Array<[string, string, number]>) this.data.set(key, { value, version });
    // END SOLUTION
  }
}

// notebook: kv-clerk
export class Clerk implements KVClerk {
  /** The server that answered last: probably the leader. */
  private leader = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: ClerkConfig,
  ) {}

  async get(key: string): Promise<GetReply> {
    // BEGIN SOLUTION
    const reply = await this.call<GetRpcReply>(rpcNames.get, { key } satisfies GetArgs);
    return reply as GetReply;
    // END SOLUTION
    return { value: '', version: 0, err: 'ErrNoKey' };
  }

  async put(key: string, value: string, version: number): Promise<PutErr> {
    // BEGIN SOLUTION
    let resent = false;
    for (;;) {
      const { reply, retried } = await this.attempt<PutRpcReply>(rpcNames.put, { key, value, version } satisfies PutArgs);
      resent ||= retried;
      if (reply !== null) return reply.err === 'ErrVersion' && resent ? 'ErrMaybe' : (reply.err as PutErr);
    }
    // END SOLUTION
    return 'ErrVersion';
  }

  // BEGIN SOLUTION
  /** Keeps calling until a leader answers. */
  private async call<R extends { readonly err: string }>(method: string, args: object): Promise<R> {
    for (;;) {
      const { reply } = await this.attempt<R>(method, args);
      if (reply !== null) return reply;
    }
  }

  /**
   * One round over the servers, starting with the last leader: the first answer from a leader,
   * or null. `retried` is true when a request went out and may have been applied without its
   * answer reaching us (lost, timed out, or dropped by a deposed leader that had put it in its
   * log): a later ErrVersion may then be our own Put.
   */
  private async attempt<R extends { readonly err: string }>(method: string, args: object): Promise<{ reply: R | null; retried: boolean }> {
    const { servers } = this.config;
    let retried = false;
    for (let tries = 0; tries < servers.length; tries++) {
      const server = (this.leader + tries) % servers.length;
      const result = await this.ctx.call<R>(servers[server], method, args, { timeoutMs: clerkCallTimeoutMs });
      if (result.ok && result.value.err !== 'ErrWrongLeader' && result.value.err !== 'ErrLeadershipLost') {
        this.leader = server;
        return { reply: result.value, retried };
      }
      // Lost, timed out, or started and then dropped by a deposed leader: it may yet apply.
      if (!result.ok || result.value.err === 'ErrLeadershipLost') retried = true;
    }
    await this.ctx.sleep(clerkRoundSleepMs);
    return { reply: null, retried };
  }
  // END SOLUTION
}
// notebook: end
