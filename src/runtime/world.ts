import { isObservable, take } from 'rxjs';
import { decode, encode, type Encoded } from './codec';
import { UsageError } from './errors';
import { EventQueue, type QueueEntry } from './event-queue';
import { Incarnation, type IncarnationHost } from './incarnation';
import { limits } from './limits';
import { labrpc, Network } from './network';
import type { CallOptions, NodeFactory, Persister, RpcFailureReason, RpcResult } from './node';
import { PersistedStore } from './persister';
import { Random } from './random';
import { withRxjsRedirect } from './rxjs-hooks';
import type { TimerHandle } from './scheduler';
import { Trace } from './trace';
import type { DropReason, EnvelopeKind, TraceEventInput } from './trace-event';
import { validateWorldOptions, type NodeErrorPolicy, type WorldOptions } from './world-options';

interface Entry extends QueueEntry {
  readonly owner: Incarnation | null;
}

interface Slot {
  readonly id: string;
  readonly factory: NodeFactory;
  readonly store: PersistedStore;
  current: Incarnation | null;
  incarnations: number;
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

/** A client operation in the history (see `World.invoke`). */
export interface ClientOperation {
  readonly op: number;
  /** Records what the client saw; call once. */
  complete(output: unknown): void;
  /** Records that the client gave up without knowing the outcome (Jepsen's :info). */
  giveUp(): void;
}

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

const threw = Symbol('threw');

/**
 * A deterministic simulation: virtual time, one seeded random source, the network, the nodes
 * and the trace. Nothing inside reads the wall clock or Math.random, so the same code and seed
 * always produce the same trace (`world.trace.hash()`).
 *
 * Example:
 * ```ts
 * const world = new World({ seed: 1 });
 * world.addNode('server', (ctx) => { ctx.serve('Echo', (args) => args); return {}; });
 * world.addNode('client', (ctx) => { void ctx.call('server', 'Echo', { text: 'hi' }).then((r) => ctx.log(JSON.stringify(r))); return {}; });
 * await world.runFor(1_000);
 * world.trace.describe(); // one line per event
 * ```
 */
export class World implements IncarnationHost {
  readonly seed: number;
  readonly trace: Trace;
  readonly network: Network;
  /** The tester's own random stream (fault schedules, workloads), independent of the nodes'. */
  readonly random: Random;
  readonly stats: WorldStats = { rpcsTotal: 0, bytesTotal: 0, messagesTotal: 0, rpcsReceived: new Map() };

  private readonly rootRandom: Random;
  private readonly networkRandom: Random;
  private readonly policy: NodeErrorPolicy;
  private readonly traceTimers: boolean;
  private readonly eventsMax: number;
  private readonly virtualMsMax: number;
  private readonly reporter: ((line: string) => void) | null;
  private readonly queue = new EventQueue<Entry>();
  private readonly slots = new Map<string, Slot>();
  private now = 0;
  private seq = 0;
  private eventsRun = 0;
  private nextCall = 1;
  private nextEnvelope = 1;
  private nextTimer = 1;
  private nextOp = 1;
  private drainNeeded = false;
  private running = false;
  private current: Incarnation | null = null;
  /** The incarnation whose code ran last: async continuations after a step most likely belong to it. */
  private lastRan: Incarnation | null = null;
  private stopReason: string | null = null;

  constructor(options: WorldOptions) {
    validateWorldOptions(options);
    this.seed = options.seed;
    this.rootRandom = new Random(options.seed);
    this.random = this.rootRandom.fork('tester');
    this.networkRandom = this.rootRandom.fork('network');
    this.policy = options.onNodeError ?? 'stop';
    this.traceTimers = options.traceTimers ?? true;
    this.eventsMax = options.eventsMax ?? limits.eventsMax;
    this.virtualMsMax = options.virtualMsMax ?? limits.virtualMsMax;
    this.reporter = options.reporter === undefined ? (line) => process.stderr.write(`${line}\n`) : options.reporter;
    this.trace = new Trace(options.traceEventsKeptMax ?? limits.traceEventsKeptMax);
    this.network = new Network(
      options.network ?? {},
      () => [...this.slots.keys()],
      (description) => this.record({ type: 'net.fault', description, groups: this.network.groups() }),
    );
  }

  // ----- time and running ------------------------------------------------------------------

  /** Virtual time in ms. */
  nowMs(): number {
    return this.now;
  }

  /** Why the world stopped early (a node error under the `stop` policy, a limit), or null. */
  get stopped(): string | null {
    return this.stopReason;
  }

  /** Events run so far. */
  get eventCount(): number {
    return this.eventsRun;
  }

  /** Runs the world for `ms` virtual ms (or until it stops). */
  async runFor(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new UsageError(`runFor(${ms}): give a finite, non-negative number of virtual ms`);
    await this.advance(this.now + ms, null);
  }

  /**
   * Runs until `predicate()` holds (checked after every event) or `timeoutMs` virtual ms pass.
   * Resolves to whether the predicate held. There is no default timeout: every wait is bounded.
   */
  async runUntil(predicate: () => boolean, options: { readonly timeoutMs: number }): Promise<boolean> {
    if (!(options.timeoutMs >= 0) || !Number.isFinite(options.timeoutMs)) {
      throw new UsageError(`runUntil: timeoutMs must be a finite, non-negative number of virtual ms, got ${options.timeoutMs}`);
    }
    return this.advance(this.now + options.timeoutMs, predicate);
  }

  /**
   * Runs tester code inside virtual time: `task` may `await world.sleep(ms)` while the world
   * runs. A task that throws stops the world with its error.
   */
  spawn(name: string, task: () => Promise<void>): void {
    this.enqueue(this.now, null, () => {
      this.drainNeeded = true;
      let promise: Promise<void>;
      try {
        promise = task();
      } catch (error) {
        this.stop(`tester task ${name} threw: ${messageOf(error)}`);
        return;
      }
      promise.catch((error: unknown) => this.stop(`tester task ${name} failed: ${messageOf(error)}`));
    });
  }

  /** For tester tasks: resolves after `ms` virtual ms, while the world runs. */
  sleep(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new UsageError(`world.sleep(${ms}): give a finite, non-negative number of virtual ms`);
    return new Promise((resolve) => {
      this.enqueue(this.now + ms, null, () => {
        this.drainNeeded = true;
        resolve();
      });
    });
  }

  /** Runs `action` (tester code, e.g. a nemesis step) after `delayMs` virtual ms. */
  schedule(delayMs: number, action: () => void): TimerHandle {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) throw new UsageError(`world.schedule(${delayMs}): delay must be finite and non-negative`);
    const entry = this.enqueue(this.now + delayMs, null, () => {
      try {
        action();
      } catch (error) {
        this.stop(`scheduled tester action threw: ${messageOf(error)}`);
      }
    });
    return { cancel: () => this.queue.cancel(entry) };
  }

  /** Stops the world: no further events run. Recorded as `world.stop`. */
  stop(reason: string): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    this.record({ type: 'world.stop', reason });
  }

  /** Adds a note to the trace (test phases, check results). */
  note(message: string): void {
    this.record({ type: 'world.note', message });
  }

  private async advance(untilMs: number, predicate: (() => boolean) | null): Promise<boolean> {
    if (this.running) throw new UsageError('the world is already running; inside world.spawn() tasks wait with world.sleep(), not runFor()');
    if (predicate?.()) return true;
    this.running = true;
    const onRejection = (reason: unknown) => this.unhandledRejection(reason);
    process.on('unhandledRejection', onRejection);
    try {
      while (this.stopReason === null) {
        const entry = this.queue.peek();
        if (entry === undefined || entry.atMs > untilMs) break;
        this.queue.pop();
        if (entry.atMs > this.virtualMsMax) {
          this.stop(`virtual time passed virtualMsMax (${this.virtualMsMax} ms)`);
          break;
        }
        this.now = entry.atMs;
        if (++this.eventsRun > this.eventsMax) {
          this.stop(`more than eventsMax (${this.eventsMax}) events; is something looping?`);
          break;
        }
        entry.run();
        if (this.drainNeeded) {
          this.drainNeeded = false;
          await drainMicrotasks();
        }
        if (predicate?.()) return true;
      }
      if (this.stopReason === null && untilMs <= this.virtualMsMax) this.now = Math.max(this.now, untilMs);
      return predicate?.() ?? false;
    } finally {
      process.off('unhandledRejection', onRejection);
      this.running = false;
    }
  }

  private enqueue(atMs: number, owner: Incarnation | null, run: () => void): Entry {
    const entry: Entry = { atMs, seq: this.seq++, cancelled: false, owner, run };
    this.queue.push(entry);
    return entry;
  }

  // ----- nodes -----------------------------------------------------------------------------

  /** Adds and starts a node. `factory(ctx)` builds it now and again at every restart. */
  addNode<N extends object>(id: string, factory: NodeFactory<N>): void {
    if (typeof id !== 'string' || id.length === 0) throw new UsageError('addNode: a node id must be a non-empty string');
    if (this.slots.has(id)) throw new UsageError(`addNode: a node with id ${id} already exists`);
    if (typeof factory !== 'function') throw new UsageError(`addNode(${id}): the second argument must be a factory (ctx) => node`);
    if (this.slots.size >= limits.nodesMax) throw new UsageError(`addNode: more than nodesMax (${limits.nodesMax}) nodes`);
    const slot: Slot = { id, factory, store: new PersistedStore(), current: null, incarnations: 0 };
    this.slots.set(id, slot);
    this.record({ type: 'node.start', node: id, incarnation: 0 });
    this.boot(slot);
  }

  /** Ids of every node, in the order they were added. */
  get nodeIds(): string[] {
    return [...this.slots.keys()];
  }

  /** The node object of `id`'s current incarnation, or null while it is crashed. */
  node<N extends object = object>(id: string): N | null {
    return (this.slot(id).current?.instance as N | null | undefined) ?? null;
  }

  isUp(id: string): boolean {
    return this.slot(id).current !== null;
  }

  /** The tester's view of a node's stable storage (sizes, reads). */
  persister(id: string): Persister {
    return this.slot(id).store.view();
  }

  /**
   * Crashes a node: its context is revoked (timers, calls and subscriptions never fire again),
   * messages it sent that are still in flight are lost, and its memory is gone. Its persisted
   * state stays. Calls it was serving fail for their callers.
   */
  crash(id: string, reason = 'crash'): void {
    const slot = this.slot(id);
    const incarnation = slot.current;
    if (incarnation === null) return;
    for (const fail of [...incarnation.serving.values()]) fail();
    incarnation.revoke();
    slot.current = null;
    this.record({ type: 'node.crash', node: id, incarnation: incarnation.number, reason });
  }

  /** Restarts a node from what it persisted (crashing it first if it is up). */
  restart(id: string): void {
    const slot = this.slot(id);
    if (slot.current !== null) this.crash(id, 'restart');
    this.record({ type: 'node.restart', node: id, incarnation: slot.incarnations });
    this.boot(slot);
  }

  /** Live resources of a node's current incarnation (all zero when it is down). */
  liveResources(id: string): { timers: number; pendingCalls: number; serving: number; subscribers: number } {
    const incarnation = this.slot(id).current;
    if (incarnation === null) return { timers: 0, pendingCalls: 0, serving: 0, subscribers: 0 };
    return {
      timers: incarnation.timers.size,
      pendingCalls: incarnation.pendingCalls.size,
      serving: incarnation.serving.size,
      subscribers: (incarnation.requests.observed ? 1 : 0) + (incarnation.messages.observed ? 1 : 0),
    };
  }

  private boot(slot: Slot): void {
    const number = slot.incarnations++;
    const random = this.rootRandom.fork(`node:${slot.id}#${number}`);
    const incarnation = new Incarnation(slot.id, number, this, slot.store, random);
    slot.current = incarnation;
    const instance = this.runNodeCode(incarnation, 'construction', () => slot.factory(incarnation.context));
    if (instance === threw || !incarnation.alive) return;
    if (instance === null || typeof instance !== 'object') {
      this.nodeError(incarnation, 'construction', new UsageError(`the factory of node ${slot.id} must return the node object, got ${String(instance)}`), true);
      return;
    }
    incarnation.instance = instance;
  }

  private slot(id: string): Slot {
    const slot = this.slots.get(id);
    if (slot === undefined) throw new UsageError(`no node with id ${JSON.stringify(id)}; nodes are: ${this.nodeIds.join(', ') || '(none)'}`);
    return slot;
  }

  // ----- clients ---------------------------------------------------------------------------

  /** Records the start of a client operation (for linearizability checks); see `ClientOperation`. */
  invoke(client: string, input: unknown): ClientOperation {
    const op = this.nextOp++;
    this.record({ type: 'client.invoke', client, op, input: decode(encode(input, 'input')) });
    let ended = false;
    const end = (output: unknown, known: boolean) => {
      if (ended) throw new UsageError(`client ${client} operation ${op} was already completed`);
      ended = true;
      this.record({ type: 'client.return', client, op, output: output === undefined ? null : decode(encode(output, 'output')), known });
    };
    return { op, complete: (output) => end(output, true), giveUp: () => end(null, false) };
  }

  // ----- IncarnationHost: services for node contexts ----------------------------------------

  addTimer(owner: Incarnation, delayMs: number, fire: () => void, traced: boolean): TimerHandle {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) throw new UsageError(`node ${owner.nodeId}: timer delay must be finite and non-negative, got ${delayMs}`);
    const timer = this.nextTimer++;
    const fireAtMs = this.now + delayMs;
    const record = traced && this.traceTimers;
    if (record) this.record({ type: 'timer.set', node: owner.nodeId, timer, fireAtMs });
    const handle: TimerHandle = { cancel: () => { this.queue.cancel(entry); owner.timers.delete(handle); } };
    const entry = this.enqueue(fireAtMs, owner, () => {
      owner.timers.delete(handle);
      if (!owner.alive) return;
      if (record) this.record({ type: 'timer.fire', node: owner.nodeId, timer });
      this.runNodeCode(owner, 'timer', fire);
    });
    owner.timers.add(handle);
    return handle;
  }

  persisted(owner: Incarnation, stateBytes: number, snapshotBytes: number): void {
    this.record({ type: 'node.persist', node: owner.nodeId, stateBytes, snapshotBytes });
  }

  traceLog(owner: Incarnation, message: string): void {
    const clipped = message.length > limits.logMessageCharsMax ? `${message.slice(0, limits.logMessageCharsMax)}…` : message;
    this.record({ type: 'node.log', node: owner.nodeId, message: clipped });
  }

  traceRole(owner: Incarnation, role: string, term: number): void {
    this.record({ type: 'node.role', node: owner.nodeId, role, term });
  }

  traceMetric(owner: Incarnation, name: string, value: number): void {
    this.record({ type: 'node.metric', node: owner.nodeId, name, value });
  }

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
      record.timeout = this.addTimer(caller, options.timeoutMs, () => this.finishCall(record, { ok: false, reason: 'timeout' }), false);
    }
    this.stats.rpcsTotal++;
    this.stats.bytesTotal += encoded.bytes;
    this.sendRequest(record, encoded);
    return cancel;
  }

  sendMessage(source: Incarnation, peer: string, type: string, payload: unknown): void {
    const encoded = encode(payload, 'payload');
    this.stats.messagesTotal++;
    this.stats.bytesTotal += encoded.bytes;
    const envelope = this.nextEnvelope++;
    const base = { envelope, kind: 'message' as const, source: source.nodeId, target: peer, method: type };
    const target = this.slots.get(peer);
    if (target === undefined) {
      this.record({ type: 'net.send', ...base, bytes: encoded.bytes });
      this.record({ type: 'net.drop', ...base, reason: 'unknown-node' });
      this.nodeError(source, `send('${peer}', '${type}')`, new UsageError(`there is no node ${JSON.stringify(peer)}; nodes are: ${this.nodeIds.join(', ')}`), false);
      return;
    }
    const targetIncarnation = target.current;
    const fate = targetIncarnation === null ? null : this.network.requestFate(source.nodeId, peer, this.networkRandom);
    if (fate === null || !fate.delivered) {
      this.record({ type: 'net.send', ...base, bytes: encoded.bytes });
      this.record({ type: 'net.drop', ...base, reason: fate === null ? 'target-crashed' : fate.reason });
      return;
    }
    const sentAtMs = this.now;
    const deliver = (copy: number) => () => this.deliverMessage(copy, source, targetIncarnation as Incarnation, type, encoded, sentAtMs);
    this.record({ type: 'net.send', ...base, bytes: encoded.bytes, deliverAtMs: this.now + fate.delayMs });
    this.enqueue(this.now + fate.delayMs, null, deliver(envelope));
    this.maybeDuplicate(base, deliver);
  }

  // ----- RPC internals ---------------------------------------------------------------------

  private sendRequest(record: CallRecord, encoded: Encoded): void {
    const source = record.caller.nodeId;
    const envelope = this.nextEnvelope++;
    const base = { envelope, kind: 'request' as const, source, target: record.target, method: record.method, call: record.id };
    const slot = this.slots.get(record.target);
    if (slot === undefined) {
      this.record({ type: 'net.send', ...base, bytes: encoded.bytes });
      this.record({ type: 'net.drop', ...base, reason: 'unknown-node' });
      this.nodeError(record.caller, `call('${record.target}', '${record.method}')`, new UsageError(`there is no node ${JSON.stringify(record.target)}; nodes are: ${this.nodeIds.join(', ')}`), false);
      this.enqueue(this.now, null, () => this.finishCall(record, { ok: false, reason: 'unknown-peer' }));
      return;
    }
    const target = slot.current;
    if (target === null) {
      this.record({ type: 'net.send', ...base, bytes: encoded.bytes });
      this.record({ type: 'net.drop', ...base, reason: 'target-crashed' });
      this.failLater(record, this.network.unreachableFailureMs(this.networkRandom), 'peer-crashed');
      return;
    }
    const fate = this.network.requestFate(source, record.target, this.networkRandom);
    if (!fate.delivered) {
      this.record({ type: 'net.send', ...base, bytes: encoded.bytes });
      this.record({ type: 'net.drop', ...base, reason: fate.reason });
      this.failLater(record, fate.failAfterMs, 'request-lost');
      return;
    }
    const sentAtMs = this.now;
    const deliver = (copy: number) => () => this.deliverRequest(record, copy, target, encoded, sentAtMs);
    this.record({ type: 'net.send', ...base, bytes: encoded.bytes, deliverAtMs: this.now + fate.delayMs });
    this.enqueue(this.now + fate.delayMs, null, deliver(envelope));
    this.maybeDuplicate(base, deliver);
  }

  private maybeDuplicate(
    base: { envelope: number; source: string; target: string; method: string },
    deliver: (copy: number) => () => void,
  ): void {
    const delayMs = this.network.duplicateDelayMs(base.source, base.target, this.networkRandom);
    if (delayMs === null) return;
    const copy = this.nextEnvelope++;
    this.record({ type: 'net.duplicate', envelope: base.envelope, copy, source: base.source, target: base.target, method: base.method, deliverAtMs: this.now + delayMs });
    this.enqueue(this.now + delayMs, null, deliver(copy));
  }

  /** Checks an arriving envelope; returns the drop reason, or null to deliver it. */
  private arrivalProblem(source: Incarnation, target: Incarnation): DropReason | null {
    if (!source.alive) return 'source-crashed';
    if (!target.alive) return 'target-crashed';
    if (!this.network.linkUp(source.nodeId, target.nodeId)) return 'partition';
    return null;
  }

  private deliverRequest(record: CallRecord, envelope: number, target: Incarnation, encoded: Encoded, sentAtMs: number): void {
    const base = { envelope, kind: 'request' as const, source: record.caller.nodeId, target: target.nodeId, method: record.method, call: record.id };
    const problem = this.arrivalProblem(record.caller, target);
    if (problem !== null) {
      this.record({ type: 'net.drop', ...base, reason: problem });
      if (problem === 'target-crashed') this.failLater(record, this.network.unreachableFailureMs(this.networkRandom), 'peer-crashed');
      else if (problem === 'partition') this.finishCall(record, { ok: false, reason: 'request-lost' });
      return;
    }
    this.record({ type: 'net.deliver', ...base, sentAtMs });
    this.stats.rpcsReceived.set(target.nodeId, (this.stats.rpcsReceived.get(target.nodeId) ?? 0) + 1);
    if (target.requests.observed) {
      const request = { from: record.caller.nodeId, method: record.method, args: decode(encoded), call: record.id };
      if (this.runNodeCode(target, `requests$ (${record.method})`, () => target.requests.next(request)) === threw) return;
    }
    const handler = target.handlers.get(record.method);
    if (handler === undefined) {
      const known = [...target.handlers.keys()].join(', ') || '(none)';
      this.nodeError(target, `RPC ${record.method}`, new UsageError(`node ${target.nodeId} serves no method ${JSON.stringify(record.method)} (called by ${record.caller.nodeId}); it serves: ${known}`), false);
      this.finishCall(record, { ok: false, reason: 'unknown-method' });
      return;
    }
    target.serving.set(envelope, () => this.failLater(record, this.networkRandom.int(0, labrpc.deadServerPollMs), 'peer-crashed'));
    const where = `handle ${record.method}`;
    const result = this.runNodeCode(target, where, () => handler(decode(encoded), record.caller.nodeId));
    this.settleHandlerResult(record, envelope, target, where, result);
  }

  private settleHandlerResult(record: CallRecord, envelope: number, target: Incarnation, where: string, result: unknown): void {
    const fail = (error: unknown) => {
      if (!target.serving.delete(envelope)) return;
      this.nodeError(target, where, error, true);
      this.finishCall(record, { ok: false, reason: 'handler-error' });
    };
    if (result === threw) {
      target.serving.delete(envelope);
      this.finishCall(record, { ok: false, reason: 'handler-error' });
    } else if (isObservable(result)) {
      let replied = false;
      this.runNodeCode(target, where, () =>
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
      this.nodeError(server, `handle ${record.method} (reply)`, error, true);
      this.finishCall(record, { ok: false, reason: 'handler-error' });
      return;
    }
    this.stats.bytesTotal += encoded.bytes;
    const replyEnvelope = this.nextEnvelope++;
    const base = { envelope: replyEnvelope, kind: 'reply' as EnvelopeKind, source: server.nodeId, target: record.caller.nodeId, method: record.method, call: record.id };
    const fate = this.network.replyFate(server.nodeId, record.caller.nodeId, this.networkRandom);
    if (!fate.delivered) {
      this.record({ type: 'net.send', ...base, bytes: encoded.bytes });
      this.record({ type: 'net.drop', ...base, reason: fate.reason });
      this.finishCall(record, { ok: false, reason: 'reply-lost' });
      return;
    }
    const sentAtMs = this.now;
    this.record({ type: 'net.send', ...base, bytes: encoded.bytes, deliverAtMs: this.now + fate.delayMs });
    this.enqueue(this.now + fate.delayMs, null, () => {
      const problem = this.arrivalProblem(server, record.caller);
      if (problem !== null) {
        this.record({ type: 'net.drop', ...base, reason: problem });
        if (record.caller.alive) this.finishCall(record, { ok: false, reason: problem === 'source-crashed' ? 'peer-crashed' : 'reply-lost' });
        return;
      }
      this.record({ type: 'net.deliver', ...base, sentAtMs });
      this.finishCall(record, { ok: true, value: decode(encoded) });
    });
  }

  private failLater(record: CallRecord, afterMs: number, reason: RpcFailureReason): void {
    this.enqueue(this.now + afterMs, record.caller, () => this.finishCall(record, { ok: false, reason }));
  }

  private finishCall(record: CallRecord, result: RpcResult<unknown>): void {
    if (record.settled || !record.caller.alive) return;
    record.cancel();
    this.record({
      type: 'rpc.end', call: record.id, source: record.caller.nodeId, target: record.target, method: record.method, ok: result.ok,
      ...(result.ok ? {} : { reason: result.reason }),
    });
    this.runNodeCode(record.caller, `reply to ${record.method}`, () => record.settle(result));
  }

  private deliverMessage(envelope: number, source: Incarnation, target: Incarnation, type: string, encoded: Encoded, sentAtMs: number): void {
    const base = { envelope, kind: 'message' as const, source: source.nodeId, target: target.nodeId, method: type };
    const problem = this.arrivalProblem(source, target);
    if (problem !== null) {
      this.record({ type: 'net.drop', ...base, reason: problem });
      return;
    }
    this.record({ type: 'net.deliver', ...base, sentAtMs });
    const message = { from: source.nodeId, type, payload: decode(encoded) };
    this.runNodeCode(target, `message ${type}`, () => target.messages.next(message));
  }

  // ----- running node code and its errors ---------------------------------------------------

  /** Runs node code with errors attributed to `incarnation`; returns `threw` if it threw. */
  private runNodeCode<T>(incarnation: Incarnation, where: string, body: () => T): T | typeof threw {
    if (!incarnation.alive) return threw;
    const previous = this.current;
    this.current = incarnation;
    this.lastRan = incarnation;
    // Node code may have resolved promises of its own (lastValueFrom, an async helper): let their
    // continuations run at this virtual time, before the next event. Measured cost: small.
    this.drainNeeded = true;
    try {
      const result = withRxjsRedirect((error) => this.nodeError(incarnation, where, error, true), body);
      if (isThenable(result)) {
        if (where === 'construction' || where === 'timer' || where.startsWith('message') || where.startsWith('reply to')) {
          result.then(undefined, (error: unknown) => this.nodeError(incarnation, where, error, true));
        }
      }
      return result;
    } catch (error) {
      this.nodeError(incarnation, where, error, true);
      return threw;
    } finally {
      this.current = previous;
    }
  }

  private unhandledRejection(reason: unknown): void {
    const culprit = this.current ?? this.lastRan;
    const where = 'an async continuation (unhandled promise rejection)';
    if (culprit !== null) this.nodeError(culprit, where, reason, true);
    else this.stop(`unhandled promise rejection in node or tester code: ${messageOf(reason)}`);
  }

  /**
   * Reports an error in node code: a `node.error` event and a console line naming node, place,
   * virtual time and seed. `fatal` errors then follow the world's policy (stop or crash-node);
   * misaddressed RPCs are not fatal: the call fails and the world goes on.
   */
  private nodeError(incarnation: Incarnation, where: string, error: unknown, fatal: boolean): void {
    const message = messageOf(error);
    this.record({ type: 'node.error', node: incarnation.nodeId, where, message });
    this.reporter?.(
      `distlab: node ${incarnation.nodeId} ${fatal ? 'threw' : 'error'} in ${where} at ${this.now} ms (seed ${this.seed}): ${message}` +
        (fatal && error instanceof Error && error.stack ? `\n${stackExcerpt(error.stack)}` : ''),
    );
    if (!fatal || !incarnation.alive) return;
    if (this.policy === 'stop') this.stop(`node ${incarnation.nodeId} threw in ${where} at ${this.now} ms: ${message}`);
    else this.crash(incarnation.nodeId, `error in ${where}`);
  }

  private record(event: TraceEventInput): void {
    this.trace.record(event, this.now);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  return String(error);
}

function stackExcerpt(stack: string): string {
  return stack.split('\n').slice(1, 5).map((line) => `    ${line.trim()}`).join('\n');
}

/** Lets every pending promise continuation run before the next event (setImmediate runs after all microtasks). */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
