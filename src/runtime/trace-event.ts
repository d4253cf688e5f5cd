/**
 * The trace: one typed event stream that checkers, plots, replay and the grader read.
 * Every event carries the virtual time `atMs` and a global sequence number `seq`.
 * Tags are namespaced (`net.*`, `node.*`, `timer.*`, `client.*`, `world.*`) and the
 * union is closed, so a `switch (event.type)` over it is exhaustive.
 */

/** Why the network lost an envelope. */
export type DropReason =
  | 'partition' // a link on the path is cut (partition, disconnect, one-way cut)
  | 'unreliable' // the unreliable network's random request or reply drop
  | 'target-crashed' // the target is down, or crashed while the envelope was in flight
  | 'source-crashed' // the sender crashed before its reply could leave
  | 'unknown-node'; // no node with that id exists

export type EnvelopeKind = 'request' | 'reply' | 'message';

interface EventBase {
  /** Virtual time in milliseconds. */
  readonly atMs: number;
  /** Position in the trace; ties in time are broken by it. */
  readonly seq: number;
}

export interface NetSendEvent extends EventBase {
  readonly type: 'net.send';
  readonly envelope: number;
  readonly kind: EnvelopeKind;
  readonly source: string;
  readonly target: string;
  /** RPC method, or the one-way message type. */
  readonly method: string;
  /** Call id shared by a request and its reply. */
  readonly call?: number;
  readonly bytes: number;
  /** Virtual time at which the envelope will be delivered, when it will be. */
  readonly deliverAtMs?: number;
}

export interface NetDeliverEvent extends EventBase {
  readonly type: 'net.deliver';
  readonly envelope: number;
  readonly kind: EnvelopeKind;
  readonly source: string;
  readonly target: string;
  readonly method: string;
  readonly call?: number;
  readonly sentAtMs: number;
}

export interface NetDropEvent extends EventBase {
  readonly type: 'net.drop';
  readonly envelope: number;
  readonly kind: EnvelopeKind;
  readonly source: string;
  readonly target: string;
  readonly method: string;
  readonly call?: number;
  readonly reason: DropReason;
}

export interface NetDuplicateEvent extends EventBase {
  readonly type: 'net.duplicate';
  /** The original envelope. */
  readonly envelope: number;
  /** The copy's envelope id. */
  readonly copy: number;
  readonly source: string;
  readonly target: string;
  readonly method: string;
  readonly deliverAtMs: number;
}

/** An RPC ended for the caller: a reply arrived, or the call failed. */
export interface RpcEndEvent extends EventBase {
  readonly type: 'rpc.end';
  readonly call: number;
  readonly source: string;
  readonly target: string;
  readonly method: string;
  readonly ok: boolean;
  readonly reason?: string;
}

/** Network fault state changed (partition, disconnect, reliability...). */
export interface NetFaultEvent extends EventBase {
  readonly type: 'net.fault';
  /** One line, e.g. "partition [a b] [c]" or "unreliable on". */
  readonly description: string;
  /** Groups of nodes that can talk, after the change (a node alone forms its own group). */
  readonly groups: readonly (readonly string[])[];
}

export interface NodeStartEvent extends EventBase {
  readonly type: 'node.start';
  readonly node: string;
  /** 0 for the first start; counts restarts. */
  readonly incarnation: number;
}

export interface NodeCrashEvent extends EventBase {
  readonly type: 'node.crash';
  readonly node: string;
  readonly incarnation: number;
  readonly reason: string;
}

export interface NodeRestartEvent extends EventBase {
  readonly type: 'node.restart';
  readonly node: string;
  readonly incarnation: number;
}

/** A node's code threw, or broke a runtime rule. */
export interface NodeErrorEvent extends EventBase {
  readonly type: 'node.error';
  readonly node: string;
  /** Where it happened, e.g. "handle AppendEntries" or "timer". */
  readonly where: string;
  readonly message: string;
}

export interface NodeLogEvent extends EventBase {
  readonly type: 'node.log';
  readonly node: string;
  readonly message: string;
}

/** A role change (Raft and friends): the term/role timeline plot reads these. */
export interface NodeRoleEvent extends EventBase {
  readonly type: 'node.role';
  readonly node: string;
  readonly role: string;
  readonly term: number;
}

/** A named numeric value a node or tester reports (commit index, applied index...). */
export interface NodeMetricEvent extends EventBase {
  readonly type: 'node.metric';
  readonly node: string;
  readonly name: string;
  readonly value: number;
}

export interface NodePersistEvent extends EventBase {
  readonly type: 'node.persist';
  readonly node: string;
  readonly stateBytes: number;
  readonly snapshotBytes: number;
}

export interface TimerSetEvent extends EventBase {
  readonly type: 'timer.set';
  readonly node: string;
  readonly timer: number;
  readonly fireAtMs: number;
}

export interface TimerFireEvent extends EventBase {
  readonly type: 'timer.fire';
  readonly node: string;
  readonly timer: number;
}

/** A client operation began (linearizability histories are read from these). */
export interface ClientInvokeEvent extends EventBase {
  readonly type: 'client.invoke';
  readonly client: string;
  readonly op: number;
  readonly input: unknown;
}

/** A client operation ended; `output` is what the client saw. */
export interface ClientReturnEvent extends EventBase {
  readonly type: 'client.return';
  readonly client: string;
  readonly op: number;
  readonly output: unknown;
  /** False when the client gave up without knowing whether the operation took effect. */
  readonly known: boolean;
}

/** A tester or harness note (test phase, check result, ...). */
export interface WorldNoteEvent extends EventBase {
  readonly type: 'world.note';
  readonly message: string;
}

/** The world stopped early: a node error under the `stop` policy, or a limit was exceeded. */
export interface WorldStopEvent extends EventBase {
  readonly type: 'world.stop';
  readonly reason: string;
}

export type TraceEvent =
  | NetSendEvent
  | NetDeliverEvent
  | NetDropEvent
  | NetDuplicateEvent
  | NetFaultEvent
  | RpcEndEvent
  | NodeStartEvent
  | NodeCrashEvent
  | NodeRestartEvent
  | NodeErrorEvent
  | NodeLogEvent
  | NodeRoleEvent
  | NodeMetricEvent
  | NodePersistEvent
  | TimerSetEvent
  | TimerFireEvent
  | ClientInvokeEvent
  | ClientReturnEvent
  | WorldNoteEvent
  | WorldStopEvent;

export type TraceEventType = TraceEvent['type'];

/** An event before the trace stamps it with `seq` and `atMs`. */
export type TraceEventInput = TraceEvent extends infer E
  ? E extends TraceEvent
    ? Omit<E, 'seq' | 'atMs'>
    : never
  : never;
