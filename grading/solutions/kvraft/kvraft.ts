/**
 * Reference lab 4 for distlab: the RSM (part 4A, and the snapshots of 4C) over any Raft that
 * implements lab 3's interface (the Raft class is a constructor argument, so the same code runs
 * over the student's Raft or the reference one), and lab 2's versioned key/value server and
 * Clerk replicated through it (parts 4B and 4C). Every Get and Put goes through the log (a Get
 * served from a leader's local state could be stale: the leader may have been deposed unawares).
 *
 * ONE SOURCE OF TRUTH: `npm run notebooks` (kvraft.notebook.md beside this file) cuts the lab
 * notebook's cells from the `// notebook:` regions and strips every `// BEGIN SOLUTION` ...
 * `// END SOLUTION` region to produce the student skeleton labs/kvraft/kvraft.ts.
 */
import { interval } from 'rxjs';
import type { NodeContext } from 'distlab';
import { lab3Raft } from '../../../labs/kvraft/lab3';
import { rpcNames, type ApplyMessage, type ClerkConfig, type GetReply, type KVClerk, type KVServerConfig, type KVServerNode, type PutErr, type RaftNode, type RSMConfig, type RSMNode, type StateMachine, type SubmitResult } from '../../../labs/kvraft/types';

// notebook: raft
/**
 * Your Raft from lab 3, compiled from your lab-3 module as it is now (never copy it here). Did
 * lab 3 in the notebook? Write lab3Raft('../raft/raft.ipynb').
 */
export const Raft = lab3Raft('../raft/raft.ts');

// notebook: rsm-state
/**
 * How often a replica checks whether it still leads the term its pending requests were
 * started in. A leader that lost its term (a higher term reached it) will never see those
 * requests commit at their index, and its callers must learn that soon (the tests allow 1 s).
 */
const leadershipCheckMs = 50;

/**
 * What goes into the Raft log: the request, tagged so the replica that started it recognises
 * it, as one JSON string `[id, request]`. The id is `me.incarnation.counter`: unique across
 * replicas and restarts, so a replayed entry is never mistaken for a new one. A string, because
 * Raft saves its whole log on every change: the codec copies a string in one step, where a
 * nested object costs a walk over every field of every entry (5x the wall time of the tests).
 */
type Op = string;

function encodeOp(id: string, request: unknown): Op {
  return JSON.stringify([id, request]);
}

function decodeOp(op: Op): { readonly id: string; readonly request: unknown } {
  const [id, request] = JSON.parse(op) as [string, unknown];
  return { id, request };
}

/** A submitted request waiting for its log index to be applied. */
interface Pending {
  readonly id: string;
  readonly term: number;
  readonly resolve: (result: SubmitResult) => void;
}

/** What the RSM hands Raft as its snapshot: the state machine's state and the index it covers. */
interface RsmSnapshot {
  readonly index: number;
  readonly state: unknown;
}

const wrongLeader: SubmitResult = { err: 'ErrWrongLeader' };

// notebook: rsm
export class RSM implements RSMNode {
  private readonly rf: RaftNode;
  /** Submitted requests by the log index Raft gave them. */
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private lastApplied = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: RSMConfig,
  ) {
    // BEGIN SOLUTION
    const snapshot = ctx.persister.readSnapshot<RsmSnapshot>();
    if (snapshot !== null) this.install(snapshot);
    // END SOLUTION
    this.rf = new config.Raft(ctx, { peers: config.peers, me: config.me });
    this.rf.apply$.subscribe((message) => this.applied(message));
    // BEGIN SOLUTION
    interval(leadershipCheckMs, ctx.scheduler).subscribe(() => this.checkLeadership());
    // END SOLUTION
  }

  raft(): RaftNode {
    return this.rf;
  }

  submit(request: unknown): Promise<SubmitResult> {
    // BEGIN SOLUTION
    const id = `${this.config.me}.${this.ctx.incarnation}.${this.nextId++}`;
    const { index, term, isLeader } = this.rf.start(encodeOp(id, request));
    if (!isLeader) return Promise.resolve(wrongLeader);
    // An older request at this index was started in an earlier term and lost its place.
    this.pending.get(index)?.resolve(wrongLeader);
    return new Promise((resolve) => this.pending.set(index, { id, term, resolve }));
    // END SOLUTION
    return Promise.resolve(wrongLeader);
  }

  /** Raft delivered a committed entry or a snapshot: apply it, answer whoever waits for that index. */
  private applied(message: ApplyMessage): void {
    // BEGIN SOLUTION
    if (message.type === 'snapshot') {
      if (message.index > this.lastApplied) this.install(message.snapshot as RsmSnapshot);
      return;
    }
    if (message.index <= this.lastApplied) return; // already in the state (a snapshot covered it)
    this.lastApplied = message.index;
    const op = decodeOp(message.command as Op);
    const value = this.config.stateMachine.doOp(op.request);
    const waiting = this.pending.get(message.index);
    if (waiting !== undefined) {
      this.pending.delete(message.index);
      waiting.resolve(waiting.id === op.id ? { err: 'OK', value } : wrongLeader);
    }
    this.snapshotIfLarge(message.index);
    // END SOLUTION
  }

  /** Replaces the state by a snapshot's; requests waiting at indexes it covers cannot learn their results. */
  private install(snapshot: RsmSnapshot): void {
    // BEGIN SOLUTION
    this.config.stateMachine.restore(snapshot.state);
    this.lastApplied = snapshot.index;
    for (const [index, waiting] of this.pending) {
      if (index > snapshot.index) continue;
      this.pending.delete(index);
      waiting.resolve(wrongLeader);
    }
    // END SOLUTION
  }

  /**
   * Asks Raft to compact its log once its persisted state reaches `maxRaftState` bytes. The
   * state is captured now (it is the state at `index`); Raft gets it one event later, as the
   * lab-3 tester does, so a Raft that is in the middle of applying is not re-entered.
   */
  private snapshotIfLarge(index: number): void {
    // BEGIN SOLUTION
    const { maxRaftState, stateMachine } = this.config;
    if (maxRaftState < 0 || this.ctx.persister.stateSize() < maxRaftState) return;
    const snapshot: RsmSnapshot = { index, state: stateMachine.snapshot() };
    this.ctx.scheduler.schedule(() => this.rf.snapshot(index, snapshot));
    // END SOLUTION
  }

  /** Requests started in a term this replica no longer leads will never be answered by their index: fail them now. */
  private checkLeadership(): void {
    // BEGIN SOLUTION
    if (this.pending.size === 0) return;
    const { term, isLeader } = this.rf.getState();
    for (const [index, waiting] of this.pending) {
      if (isLeader && waiting.term === term) continue;
      this.pending.delete(index);
      waiting.resolve(wrongLeader);
    }
    // END SOLUTION
  }
}
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
    ctx.serve(rpcNames.get, (args: GetArgs) => this.handleGet(args));
    ctx.serve(rpcNames.put, (args: PutArgs) => this.handlePut(args));
  }

  rsm(): RSMNode {
    return this.replicated;
  }

  private async handleGet(args: GetArgs): Promise<GetRpcReply> {
    // BEGIN SOLUTION
    return (await this.submit({ kind: 'get', key: args.key })) as GetRpcReply;
    // END SOLUTION
    return { err: 'ErrWrongLeader' };
  }

  private async handlePut(args: PutArgs): Promise<PutRpcReply> {
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
/** What an unwritten Clerk method throws: the test fails at once, naming it. */
function notWritten(method: string): Error {
  return new Error(`${method} is not written yet (README.md, part 4B)`);
}

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
    throw notWritten('Clerk.get');
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
    throw notWritten('Clerk.put');
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
