import { isObservable, take } from 'rxjs';
import { decode, encode, type Encoded } from './codec';
import { UsageError } from './errors';
import type { Incarnation } from './incarnation';
import { limits } from './limits';
import type { CallOptions, RpcFailureReason, RpcResult } from './node';
import type { TimerHandle } from './scheduler';
import { isThenable, threw, type Clock, type NodeCodeRunner, type TraceSink } from './services';
import type { Envelope, EnvelopeSink, LossStage, Transport } from './transport';
import type { DropReason } from './trace-event';

/** Network and RPC counters, as labrpc's tester reports them. */
export interface WorldStats {
  /** RPCs sent (every call, including lost ones). */
  rpcsTotal: number;
  /** Bytes of requests, replies and messages sent. */
  bytesTotal: number;
  /** One-way messages sent. */
  messagesTotal: number;
  /** RPC requests delivered, per target node. */
  readonly rpcsReceived: Map<string, number>;
}

/** An RPC in flight, from the caller's side. */
interface CallRecord {
  readonly id: number;
  readonly caller: Incarnation;
  readonly target: string;
  readonly method: string;
  settled: boolean;
  timeout: TimerHandle | null;
  /** Removes this call from the caller's pending set (also used when the caller unsubscribes). */
  cancel: () => void;
  readonly settle: (result: RpcResult<unknown>) => void;
}

/** A request or a reply on the wire, with the call it belongs to. */
interface CallEnvelope extends Envelope<Incarnation> {
  readonly record: CallRecord;
}

/**
 * The RPC layer (labrpc's contract on top of any `Transport`): the table of calls in flight,
 * running handlers and settling what they return (a value, a promise or an observable), sending
 * replies, and turning every loss into an `RpcResult` failure for the caller. One-way messages
 * go through here too. It does not know how envelopes travel, only what their fate means.
 */
export class RpcLayer {
  readonly stats: WorldStats = { rpcsTotal: 0, bytesTotal: 0, messagesTotal: 0, rpcsReceived: new Map() };
  private nextCall = 1;
  private readonly requestSink: EnvelopeSink<Incarnation, CallEnvelope>;
  private readonly replySink: EnvelopeSink<Incarnation, CallEnvelope>;
  private readonly messageSink: EnvelopeSink<Incarnation, Envelope<Incarnation>>;

  constructor(
    private readonly kernel: Clock & NodeCodeRunner & TraceSink,
    private readonly transport: Transport<Incarnation>,
    private readonly nodeIds: () => readonly string[],
  ) {
    this.requestSink = {
      arrived: (envelope, copy, target) => this.handleRequest(envelope.record, copy, target, envelope.payload),
      lost: (envelope, reason, stage, failAfterMs) => this.requestLost(envelope.record, reason, stage, failAfterMs),
    };
    this.replySink = {
      arrived: (envelope) => this.finishCall(envelope.record, { ok: true, value: decode(envelope.payload) }),
      lost: (envelope, reason, stage) => {
        const record = envelope.record;
        if (stage === 'send') this.finishCall(record, { ok: false, reason: 'reply-lost' });
        else if (record.caller.alive) this.finishCall(record, { ok: false, reason: reason === 'source-crashed' ? 'peer-crashed' : 'reply-lost' });
      },
    };
    this.messageSink = {
      arrived: (envelope, _copy, target) => {
        const message = { from: envelope.source.nodeId, type: envelope.method, payload: decode(envelope.payload) };
        this.kernel.runNodeCode(target, `message ${envelope.method}`, () => target.messages.next(message));
      },
      lost: (envelope, reason) => {
        if (reason !== 'unknown-node') return;
        this.unknownNode(envelope.source, `send('${envelope.target}', '${envelope.method}')`, envelope.target);
      },
    };
  }

  /** Sends a request; `settle` gets the result once. Returns a cancel function (ignore the reply). */
  startCall(
    caller: Incarnation,
    peer: string,
    method: string,
    args: unknown,
    options: CallOptions | undefined,
    settle: (result: RpcResult<unknown>) => void,
  ): () => void {
    const encoded = encode(args, 'args');
    if (caller.pendingCalls.size >= limits.pendingCallsMax) {
      throw new UsageError(`node ${caller.nodeId} has ${caller.pendingCalls.size} calls outstanding, over pendingCallsMax (${limits.pendingCallsMax})`);
    }
    const record: CallRecord = { id: this.nextCall++, caller, target: peer, method, settled: false, timeout: null, cancel: () => {}, settle };
    const cancel = () => {
      record.settled = true;
      record.timeout?.cancel();
      caller.pendingCalls.delete(cancel);
    };
    record.cancel = cancel;
    caller.pendingCalls.add(cancel);
    if (options?.timeoutMs !== undefined) {
      if (!(options.timeoutMs >= 0) || !Number.isFinite(options.timeoutMs)) {
        throw new UsageError(`node ${caller.nodeId}: call('${peer}', '${method}') timeoutMs must be finite and non-negative`);
      }
      record.timeout = this.kernel.addTimer(caller, options.timeoutMs, () => this.finishCall(record, { ok: false, reason: 'timeout' }), false);
    }
    this.stats.rpcsTotal++;
    this.stats.bytesTotal += encoded.bytes;
    const envelope: CallEnvelope = { kind: 'request', source: caller, target: peer, replyTo: null, method, call: record.id, payload: encoded, record };
    this.transport.send(envelope, this.requestSink);
    return cancel;
  }

  /** Sends a one-way message. */
  sendMessage(source: Incarnation, peer: string, type: string, payload: unknown): void {
    const encoded = encode(payload, 'payload');
    this.stats.messagesTotal++;
    this.stats.bytesTotal += encoded.bytes;
    this.transport.send({ kind: 'message', source, target: peer, replyTo: null, method: type, call: null, payload: encoded }, this.messageSink);
  }

  private requestLost(record: CallRecord, reason: DropReason, stage: LossStage, failAfterMs: number): void {
    switch (reason) {
      case 'unknown-node':
        this.unknownNode(record.caller, `call('${record.target}', '${record.method}')`, record.target);
        return this.failLater(record, 0, 'unknown-peer');
      case 'target-crashed':
        return this.failLater(record, failAfterMs, 'peer-crashed');
      case 'partition':
        if (stage === 'arrival') return this.finishCall(record, { ok: false, reason: 'request-lost' });
        return this.failLater(record, failAfterMs, 'request-lost');
      case 'unreliable':
        return this.failLater(record, failAfterMs, 'request-lost');
      case 'source-crashed':
        return;
    }
  }

  private unknownNode(source: Incarnation, where: string, peer: string): void {
    const known = this.nodeIds().join(', ');
    this.kernel.nodeError(source, where, misuse(`there is no node ${JSON.stringify(peer)}; nodes are: ${known}`), false);
  }

  private handleRequest(record: CallRecord, envelope: number, target: Incarnation, payload: Encoded): void {
    this.stats.rpcsReceived.set(target.nodeId, (this.stats.rpcsReceived.get(target.nodeId) ?? 0) + 1);
    if (target.requests.observed) {
      const request = { from: record.caller.nodeId, method: record.method, args: decode(payload), call: record.id };
      if (this.kernel.runNodeCode(target, `requests$ (${record.method})`, () => target.requests.next(request)) === threw) return;
    }
    const handler = target.handlers.get(record.method);
    if (handler === undefined) {
      const known = [...target.handlers.keys()].join(', ') || '(none)';
      const error = misuse(`node ${target.nodeId} serves no method ${JSON.stringify(record.method)} (called by ${record.caller.nodeId}); it serves: ${known}`);
      this.kernel.nodeError(target, `RPC ${record.method}`, error, false);
      this.finishCall(record, { ok: false, reason: 'unknown-method' });
      return;
    }
    target.serving.set(envelope, () => this.failLater(record, this.transport.serverLostAfterMs(record.caller.nodeId, target.nodeId), 'peer-crashed'));
    const where = `handle ${record.method}`;
    const result = this.kernel.runNodeCode(target, where, () => handler(decode(payload), record.caller.nodeId));
    this.settleHandlerResult(record, envelope, target, where, result);
  }

  private settleHandlerResult(record: CallRecord, envelope: number, target: Incarnation, where: string, result: unknown): void {
    const fail = (error: unknown) => {
      if (!target.serving.delete(envelope)) return;
      this.kernel.nodeError(target, where, error, true);
      this.finishCall(record, { ok: false, reason: 'handler-error' });
    };
    if (result === threw) {
      target.serving.delete(envelope);
      this.finishCall(record, { ok: false, reason: 'handler-error' });
    } else if (isObservable(result)) {
      let replied = false;
      this.kernel.runNodeCode(target, where, () =>
        result.pipe(take(1)).subscribe({
          next: (value) => { replied = true; this.sendReply(record, envelope, target, value); },
          error: fail,
          complete: () => { if (!replied) fail(new UsageError(`the observable returned by ${where} completed without a reply`)); },
        }),
      );
    } else if (isThenable(result)) {
      result.then((value) => this.sendReply(record, envelope, target, value), fail);
    } else {
      this.sendReply(record, envelope, target, result);
    }
  }

  private sendReply(record: CallRecord, envelope: number, server: Incarnation, value: unknown): void {
    if (!server.alive || !server.serving.delete(envelope)) return;
    let encoded: Encoded;
    try {
      encoded = encode(value === undefined ? null : value, 'reply');
    } catch (error) {
      this.kernel.nodeError(server, `handle ${record.method} (reply)`, error, true);
      this.finishCall(record, { ok: false, reason: 'handler-error' });
      return;
    }
    this.stats.bytesTotal += encoded.bytes;
    const reply: CallEnvelope = {
      kind: 'reply', source: server, target: record.caller.nodeId, replyTo: record.caller, method: record.method, call: record.id, payload: encoded, record,
    };
    this.transport.send(reply, this.replySink);
  }

  private failLater(record: CallRecord, afterMs: number, reason: RpcFailureReason): void {
    this.kernel.after(afterMs, () => this.finishCall(record, { ok: false, reason }));
  }

  private finishCall(record: CallRecord, result: RpcResult<unknown>): void {
    if (record.settled || !record.caller.alive) return;
    record.cancel();
    const { id: call, target, method } = record;
    const source = record.caller.nodeId;
    this.kernel.record(
      result.ok
        ? { type: 'rpc.end', call, source, target, method, ok: true }
        : { type: 'rpc.end', call, source, target, method, ok: false, reason: result.reason },
    );
    this.kernel.runNodeCode(record.caller, `reply to ${record.method}`, () => record.settle(result));
  }
}

/**
 * A `UsageError` for a non-fatal misuse (a misaddressed call or message): its message goes into
 * the trace, its stack is never printed, and a node polling a missing method makes one per
 * event, where capturing the stack was a quarter of the run's time.
 */
function misuse(message: string): UsageError {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new UsageError(message);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}
