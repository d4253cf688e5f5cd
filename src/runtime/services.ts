import type { Incarnation } from './incarnation';
import type { CallOptions, RpcResult } from './node';
import type { TimerHandle } from './scheduler';
import type { TraceEventInput } from './trace-event';

/**
 * The interfaces the layers of the runtime talk through. A node's context is built from these
 * alone (see `Incarnation`), so the simulator (`Kernel` + `SimulatedTransport` +
 * `MemoryPersister`) and a real mode (wall-clock scheduler, sockets, files) can supply them
 * without a node noticing.
 */

/** Returned by `runNodeCode` when the node's code threw (the error is already reported). */
export const threw: unique symbol = Symbol('threw');

/** A node incarnation as the clock and the code runner see it. */
export interface RunningNode {
  readonly nodeId: string;
  /** False once the incarnation crashed: nothing it scheduled may run any more. */
  readonly alive: boolean;
  /** Timers this incarnation has scheduled and not yet seen fire (revoked at a crash). */
  readonly timers: Set<TimerHandle>;
}

/** Time: a clock to read and a timer queue to schedule on. The simulator's is virtual. */
export interface Clock {
  nowMs(): number;
  /** Runs `run` after `delayMs` (tester and runtime work, never revoked). */
  after(delayMs: number, run: () => void): TimerHandle;
  /**
   * A node's timer: runs `fire` as node code after `delayMs` unless `owner` crashed first;
   * traced as `timer.set` / `timer.fire` when `traced`.
   */
  addTimer(owner: RunningNode, delayMs: number, fire: () => void, traced: boolean): TimerHandle;
}

/** Runs node code with its errors attributed to the node (a `node.error`, then the world's policy). */
export interface NodeCodeRunner {
  /** Returns what `body` returned, or `threw` after reporting the error. */
  runNodeCode<T>(node: RunningNode, where: string, body: () => T): T | typeof threw;
  /** Reports an error of `node` at `where`; `fatal` errors stop the world or crash the node. */
  nodeError(node: RunningNode, where: string, error: unknown, fatal: boolean): void;
}

/** Where events go: the world's trace. */
export interface TraceSink {
  record(event: TraceEventInput): void;
}

/** Calls and messages, as a node's context uses them (the RPC layer over a transport). */
export interface NodeMessaging {
  /** Sends a request; `settle` gets the result once. Returns a function that cancels the call. */
  startCall(
    caller: Incarnation,
    peer: string,
    method: string,
    args: unknown,
    options: CallOptions | undefined,
    settle: (result: RpcResult<unknown>) => void,
  ): () => void;
  sendMessage(source: Incarnation, peer: string, type: string, payload: unknown): void;
}

/** Everything a node incarnation's context is built from, besides its persister and random stream. */
export interface NodeServices {
  readonly clock: Clock;
  readonly messaging: NodeMessaging;
  readonly trace: TraceSink;
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
