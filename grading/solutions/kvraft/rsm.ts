/**
 * Reference RSM for distlab's Lab 4 (part 4A, and the snapshots of 4C): a replicated state
 * machine over any Raft that implements lab 3's interface (the Raft class is a constructor
 * argument, so the same code runs over the student's Raft or the reference one).
 *
 * ONE SOURCE OF TRUTH: the lab notebook's RSM cells and the student skeleton are cut from this
 * file (`// notebook:` markers, `// BEGIN SOLUTION` ... `// END SOLUTION` regions).
 */
import { interval } from 'rxjs';
import type { NodeContext } from 'distlab';
import type { ApplyMessage, RaftNode, RSMConfig, RSMNode, SubmitResult } from '../../../labs/kvraft/types';

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
// notebook: end
