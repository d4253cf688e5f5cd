/**
 * Real mode's RPC layer: `ctx.call`, `ctx.send` and `ctx.serve` between processes, with the
 * simulator's contract (labrpc's): a call resolves to `{ ok: true, value }` or
 * `{ ok: false, reason }` and never throws; a peer that never answers fails the call after
 * `rpcDeadlineMs`; a partitioned or unreachable peer fails it at once.
 *
 * Why not the simulator's `RpcLayer`: its call record is one object shared by the caller and
 * the server (they live in one process); here the two ends are in different processes, so the
 * call table (caller side) and the serving table (server side) are separate and a reply finds
 * its call by (caller process, call id). Handlers, codec, limits and the failure reasons are the
 * runtime's own.
 */
import { isObservable, take } from 'rxjs';
import { randomUUID } from 'node:crypto';
import { decode, encode } from '../runtime/codec';
import { UsageError } from '../runtime/errors';
import type { Incarnation } from '../runtime/incarnation';
import { limits } from '../runtime/limits';
import type { CallOptions, RpcFailureReason, RpcResult } from '../runtime/node';
import type { TimerHandle } from '../runtime/scheduler';
import { isThenable, threw, type NodeMessaging } from '../runtime/services';
import type { WallKernel } from './wall-kernel';
import { encodedOf, type Wire } from './wire';
import type { SendOutcome, ZmqEndpoint } from './zmq-endpoint';

/** A call this process made and is waiting for. */
interface PendingCall {
  readonly caller: Incarnation;
  readonly settle: (result: RpcResult<unknown>) => void;
  readonly timers: TimerHandle[];
  readonly cancel: () => void;
}

type RequestWire = Extract<Wire, { kind: 'request' }>;

export interface RemoteRpcOptions {
  /** A call with no reply after this long fails with `request-lost` (the peer may be paused or gone). */
  readonly rpcDeadlineMs: number;
}

export class RemoteRpc implements NodeMessaging {
  /** This process's calls in flight, by call id; a reply must also name this process (`caller`). */
  private readonly calls = new Map<number, PendingCall>();
  private readonly processId = randomUUID();
  private nextCall = 1;
  /** The incarnation that serves requests arriving here (null until it is built). */
  local: Incarnation | null = null;

  constructor(
    private readonly kernel: WallKernel,
    private readonly endpoint: ZmqEndpoint,
    private readonly options: RemoteRpcOptions,
  ) {}

  startCall(caller: Incarnation, peer: string, method: string, args: unknown, options: CallOptions | undefined, settle: (result: RpcResult<unknown>) => void): () => void {
    const encoded = encode(args, 'args');
    if (caller.pendingCalls.size >= limits.pendingCallsMax) {
      throw new UsageError(`node ${caller.nodeId} has ${caller.pendingCalls.size} calls outstanding, over pendingCallsMax (${limits.pendingCallsMax})`);
    }
    const call = this.nextCall++;
    const cancel = () => {
      const pending = this.calls.get(call);
      if (pending === undefined) return;
      this.calls.delete(call);
      for (const timer of pending.timers) timer.cancel();
      caller.pendingCalls.delete(cancel);
    };
    const pending: PendingCall = { caller, settle, timers: [], cancel };
    this.calls.set(call, pending);
    caller.pendingCalls.add(cancel);
    const timeoutMs = options?.timeoutMs;
    if (timeoutMs !== undefined) {
      if (!(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) throw new UsageError(`node ${caller.nodeId}: call('${peer}', '${method}') timeoutMs must be finite and non-negative`);
      pending.timers.push(this.kernel.addTimer(caller, timeoutMs, () => this.finish(call, { ok: false, reason: 'timeout' }), false));
    }
    pending.timers.push(this.kernel.addTimer(caller, this.options.rpcDeadlineMs, () => this.finish(call, { ok: false, reason: 'request-lost' }), false));
    const wire: Wire = { kind: 'request', source: caller.nodeId, target: peer, caller: this.processId, call, method, payload: encoded.text, hasBytes: encoded.hasBytes };
    void this.endpoint.send(wire).then((outcome) => this.afterSend(call, caller, peer, method, outcome));
    return cancel;
  }

  sendMessage(source: Incarnation, peer: string, type: string, payload: unknown): void {
    const encoded = encode(payload, 'payload');
    void this.endpoint.send({ kind: 'message', source: source.nodeId, target: peer, method: type, payload: encoded.text, hasBytes: encoded.hasBytes }).then((outcome) => {
      if (outcome === 'unknown-peer') this.kernel.soon(() => this.unknownPeer(source, `send('${peer}', '${type}')`, peer));
    });
  }

  /** An envelope that arrived (control frames are the host's business, not ours). */
  receive(wire: Wire): void {
    switch (wire.kind) {
      case 'request':
        return this.handleRequest(wire);
      case 'reply':
        if (wire.caller === this.processId) this.finish(wire.call, { ok: true, value: decode(encodedOf(wire)) });
        return;
      case 'failure':
        if (wire.caller === this.processId) this.finish(wire.call, { ok: false, reason: wire.reason });
        return;
      case 'message':
        return this.handleMessage(wire.source, wire.method, decode(encodedOf(wire)));
      case 'control':
        return;
    }
  }

  private afterSend(call: number, caller: Incarnation, peer: string, method: string, outcome: SendOutcome): void {
    if (outcome === 'sent') return;
    this.kernel.soon(() => {
      if (outcome === 'unknown-peer') this.unknownPeer(caller, `call('${peer}', '${method}')`, peer);
      const reason: RpcFailureReason = outcome === 'unknown-peer' ? 'unknown-peer' : outcome === 'blocked' ? 'request-lost' : 'peer-crashed';
      this.finish(call, { ok: false, reason });
    });
  }

  private unknownPeer(source: Incarnation, where: string, peer: string): void {
    this.kernel.nodeError(source, where, new UsageError(`there is no node ${JSON.stringify(peer)} in this cluster`), false);
  }

  private finish(call: number, result: RpcResult<unknown>): void {
    const pending = this.calls.get(call);
    if (pending === undefined || !pending.caller.alive) return;
    pending.cancel();
    this.kernel.runNodeCode(pending.caller, 'reply', () => pending.settle(result));
  }

  private handleMessage(from: string, type: string, payload: unknown): void {
    const target = this.local;
    if (target === null || !target.alive) return;
    this.kernel.runNodeCode(target, `message ${type}`, () => target.messages.next({ from, type, payload }));
  }

  private handleRequest(wire: RequestWire): void {
    const target = this.local;
    const fail = (reason: RpcFailureReason) => void this.endpoint.send({ kind: 'failure', source: wire.target, target: wire.source, caller: wire.caller, call: wire.call, reason });
    if (target === null || !target.alive) return fail('peer-crashed');
    if (target.requests.observed) {
      const request = { from: wire.source, method: wire.method, args: decode(encodedOf(wire)), call: wire.call };
      if (this.kernel.runNodeCode(target, `requests$ (${wire.method})`, () => target.requests.next(request)) === threw) return;
    }
    const handler = target.handlers.get(wire.method);
    if (handler === undefined) {
      const known = [...target.handlers.keys()].join(', ') || '(none)';
      this.kernel.nodeError(target, `RPC ${wire.method}`, new UsageError(`node ${target.nodeId} serves no method ${JSON.stringify(wire.method)} (called by ${wire.source}); it serves: ${known}`), false);
      return fail('unknown-method');
    }
    const where = `handle ${wire.method}`;
    const result = this.kernel.runNodeCode(target, where, () => handler(decode(encodedOf(wire)), wire.source));
    if (result === threw) return fail('handler-error');
    const reply = (value: unknown) => this.reply(wire, target, value);
    const error = (cause: unknown) => {
      this.kernel.nodeError(target, where, cause, true);
      fail('handler-error');
    };
    if (isObservable(result)) {
      let replied = false;
      this.kernel.runNodeCode(target, where, () =>
        result.pipe(take(1)).subscribe({
          next: (value) => { replied = true; reply(value); },
          error,
          complete: () => { if (!replied) error(new UsageError(`the observable returned by ${where} completed without a reply`)); },
        }),
      );
    } else if (isThenable(result)) {
      result.then(reply, error);
    } else {
      reply(result);
    }
  }

  private reply(request: RequestWire, server: Incarnation, value: unknown): void {
    if (!server.alive) return;
    let encoded;
    try {
      encoded = encode(value === undefined ? null : value, 'reply');
    } catch (error) {
      this.kernel.nodeError(server, `handle ${request.method} (reply)`, error, true);
      return void this.endpoint.send({ kind: 'failure', source: request.target, target: request.source, caller: request.caller, call: request.call, reason: 'handler-error' });
    }
    void this.endpoint.send({ kind: 'reply', source: request.target, target: request.source, caller: request.caller, call: request.call, ok: true, payload: encoded.text, hasBytes: encoded.hasBytes });
  }
}
