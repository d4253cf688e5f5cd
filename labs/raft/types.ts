/**
 * The public interface of a Raft peer in distlab's Raft lab (parts 3A-3D).
 *
 * The tester builds each peer inside a world factory, subscribes to its apply stream at once,
 * and from then on only calls these methods. Everything else (RPC handlers, timers, the log) is
 * yours. See README.md for the rules and the duties that come with them.
 *
 * Example (what the tester does for peer 1 of 3):
 * ```ts
 * world.addNode('1', (ctx) => {
 *   const rf = new Raft(ctx, { peers: ['0', '1', '2'], me: 1 });
 *   rf.apply$.subscribe((message) => tester.applied(1, message));
 *   return rf;
 * });
 * ```
 */
import type { Observable } from 'rxjs';
import type { NodeContext } from 'distlab';

/** What a peer knows at construction: every peer's node id (itself included) and its own position. */
export interface RaftConfig {
  /** Node ids of all peers, in the same order on every peer; `peers[me]` is this peer. */
  readonly peers: readonly string[];
  readonly me: number;
}

/** What `start(command)` returns: where the command will land if it commits, and whether we lead. */
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

/**
 * What a peer delivers on `apply$`, in log order: each committed command once (index 1, 2, 3,
 * ...), and, in 3D, a snapshot received from the leader, which replaces every command up to
 * and including `index`. After a snapshot message the next command message must be `index + 1`.
 */
export type ApplyMessage =
  | { readonly type: 'command'; readonly index: number; readonly command: unknown }
  | { readonly type: 'snapshot'; readonly index: number; readonly term: number; readonly snapshot: unknown };

/** A Raft peer as the tester sees it. */
export interface RaftNode {
  /**
   * Proposes `command` for the log. Returns at once (never waits for agreement). When this
   * peer is not the leader, returns `isLeader: false` and the other fields do not matter.
   */
  start(command: unknown): StartResult;
  /** The current term and whether this peer believes it is the leader. */
  getState(): RaftStatus;
  /**
   * 3D: the service has a snapshot of every command up to and including `index`; the peer may
   * discard those log entries and must persist `snapshot` (through `ctx.persister.save`) with
   * its state. `snapshot` is opaque: store and send it as is.
   */
  snapshot(index: number, snapshot: unknown): void;
  /** Committed commands and installed snapshots, in order. Subscribed to by the tester right after construction. */
  readonly apply$: Observable<ApplyMessage>;
}

/** The class the lab tests: `new Raft(ctx, config)`. */
export type RaftClass = new (ctx: NodeContext, config: RaftConfig) => RaftNode;

/** What the lab's tests take as the implementation under test. */
export interface RaftImplementation {
  readonly Raft: RaftClass;
}
