import { decode, encode } from './codec';
import { UsageError } from './errors';
import { Incarnation } from './incarnation';
import { Kernel, messageOf } from './kernel';
import { LocalClock, type ClockSettings } from './local-clock';
import { limits } from './limits';
import { Network } from './network';
import type { NodeFactory, Persister } from './node';
import { MemoryPersister } from './persister';
import { Random } from './random';
import { RpcLayer, type WorldStats } from './rpc';
import type { TimerHandle } from './scheduler';
import { threw, type NodeServices } from './services';
import { SimulatedTransport } from './simulated-transport';
import type { Trace } from './trace';
import type { TraceEventInput } from './trace-event';
import { validateClockSettings, validateWorldOptions, type WorldOptions } from './world-options';

export type { WorldStats } from './rpc';

interface Slot {
  readonly id: string;
  readonly factory: NodeFactory;
  readonly store: MemoryPersister;
  readonly clock: LocalClock;
  current: Incarnation | null;
  incarnations: number;
}

/** A client operation in the history (see `World.invoke`). */
export interface ClientOperation {
  readonly op: number;
  /** Records what the client saw; call once. */
  complete(output: unknown): void;
  /** Records that the client gave up without knowing the outcome (Jepsen's :info). */
  giveUp(): void;
}

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
export class World {
  readonly seed: number;
  readonly trace: Trace;
  readonly network: Network;
  /** The tester's own random stream (fault schedules, workloads), independent of the nodes'. */
  readonly random: Random;

  private readonly rootRandom: Random;
  private readonly kernel: Kernel;
  private readonly rpc: RpcLayer;
  private readonly slots = new Map<string, Slot>();
  private nextOp = 1;
  private readonly clockOptions: Readonly<Record<string, ClockSettings>>;
  private clockIdsChecked = false;

  constructor(options: WorldOptions) {
    validateWorldOptions(options);
    this.seed = options.seed;
    this.clockOptions = options.clocks ?? {};
    this.rootRandom = new Random(options.seed);
    this.random = this.rootRandom.fork('tester');
    const networkRandom = this.rootRandom.fork('network');
    this.kernel = new Kernel({
      seed: options.seed,
      policy: options.onNodeError ?? 'stop',
      traceTimers: options.traceTimers ?? true,
      eventsMax: options.eventsMax ?? limits.eventsMax,
      virtualMsMax: options.virtualMsMax ?? limits.virtualMsMax,
      traceEventsKeptMax: options.traceEventsKeptMax ?? limits.traceEventsKeptMax,
      reporter: options.reporter === undefined ? (line) => process.stderr.write(`${line}\n`) : options.reporter,
      crashNode: (id, reason) => this.crash(id, reason),
    });
    this.trace = this.kernel.trace;
    this.network = new Network(
      options.network ?? {},
      () => [...this.slots.keys()],
      (description) => this.record({ type: 'net.fault', description, groups: this.network.groups() }),
    );
    const transport = new SimulatedTransport<Incarnation>(this.kernel, this.network, networkRandom, (id) => this.slots.get(id)?.current);
    this.rpc = new RpcLayer(this.kernel, transport, () => this.nodeIds);
  }

  /** Network and RPC counters (labrpc's tester reports the same). */
  get stats(): WorldStats {
    return this.rpc.stats;
  }

  // ----- time and running ------------------------------------------------------------------

  /** Virtual time in ms. */
  nowMs(): number {
    return this.kernel.nowMs();
  }

  /** Why the world stopped early (a node error under the `stop` policy, a limit), or null. */
  get stopped(): string | null {
    return this.kernel.stopped;
  }

  /** Events run so far. */
  get eventCount(): number {
    return this.kernel.eventCount;
  }

  /** Runs the world for `ms` virtual ms (or until it stops). */
  async runFor(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new UsageError(`runFor(${ms}): give a finite, non-negative number of virtual ms`);
    this.checkClockIds();
    await this.kernel.advance(this.nowMs() + ms, null);
  }

  /**
   * Runs until `predicate()` holds (checked after every event) or `timeoutMs` virtual ms pass.
   * Resolves to whether the predicate held. There is no default timeout: every wait is bounded.
   */
  async runUntil(predicate: () => boolean, options: { readonly timeoutMs: number }): Promise<boolean> {
    if (!(options.timeoutMs >= 0) || !Number.isFinite(options.timeoutMs)) {
      throw new UsageError(`runUntil: timeoutMs must be a finite, non-negative number of virtual ms, got ${options.timeoutMs}`);
    }
    this.checkClockIds();
    return this.kernel.advance(this.nowMs() + options.timeoutMs, predicate);
  }

  /**
   * Runs tester code inside virtual time: `task` may `await world.sleep(ms)` while the world
   * runs. A task that throws stops the world with its error.
   */
  spawn(name: string, task: () => Promise<void>): void {
    this.kernel.at(this.nowMs(), () => {
      this.kernel.drainAfterThisEvent();
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
      this.kernel.at(this.nowMs() + ms, () => {
        this.kernel.drainAfterThisEvent();
        resolve();
      });
    });
  }

  /** Runs `action` (tester code, e.g. a nemesis step) after `delayMs` virtual ms. */
  schedule(delayMs: number, action: () => void): TimerHandle {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) throw new UsageError(`world.schedule(${delayMs}): delay must be finite and non-negative`);
    return this.kernel.after(delayMs, () => {
      try {
        action();
      } catch (error) {
        this.stop(`scheduled tester action threw: ${messageOf(error)}`);
      }
    });
  }

  /** Stops the world: no further events run. Recorded as `world.stop`. */
  stop(reason: string): void {
    this.kernel.stop(reason);
  }

  /** Adds a note to the trace (test phases, check results). */
  note(message: string): void {
    this.record({ type: 'world.note', message });
  }

  // ----- nodes -----------------------------------------------------------------------------

  /** Adds and starts a node. `factory(ctx)` builds it now and again at every restart. */
  addNode<N extends object>(id: string, factory: NodeFactory<N>): void {
    if (typeof id !== 'string' || id.length === 0) throw new UsageError('addNode: a node id must be a non-empty string');
    if (this.slots.has(id)) throw new UsageError(`addNode: a node with id ${id} already exists`);
    if (typeof factory !== 'function') throw new UsageError(`addNode(${id}): the second argument must be a factory (ctx) => node`);
    if (this.slots.size >= limits.nodesMax) throw new UsageError(`addNode: more than nodesMax (${limits.nodesMax}) nodes`);
    const clock = new LocalClock();
    const settings = this.clockOptions[id];
    if (settings !== undefined) clock.set(settings);
    const slot: Slot = { id, factory, store: new MemoryPersister(), clock, current: null, incarnations: 0 };
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
    return this.slot(id).store;
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

  /**
   * Makes node `id`'s clock drift from true time: from now on it reads offsetMs + rate * virtual
   * ms (fields left out keep their value; a new offset steps the clock). `ctx.now()`, the RxJS
   * scheduler's `now()`, `ctx.sleep` and scheduler delays are local; timers already set keep
   * their virtual fire time. RPC `timeoutMs`, network latency and the trace stay on true time.
   * The clock survives crashes. Example: `world.setClock('s1', { rate: 0.9 })` runs 10% slow.
   */
  setClock(id: string, settings: ClockSettings): void {
    validateClockSettings(id, settings);
    this.slot(id).clock.set(settings);
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
    const incarnation = new Incarnation(slot.id, number, this.services, slot.store, random, slot.clock);
    slot.current = incarnation;
    const instance = this.kernel.runNodeCode(incarnation, 'construction', () => slot.factory(incarnation.context));
    if (instance === threw || !incarnation.alive) return;
    if (instance === null || typeof instance !== 'object') {
      this.kernel.nodeError(incarnation, 'construction', new UsageError(`the factory of node ${slot.id} must return the node object, got ${String(instance)}`), true);
      return;
    }
    incarnation.instance = instance;
  }

  /** `options.clocks` may name nodes added later, so the names are checked when the world first runs. */
  private checkClockIds(): void {
    if (this.clockIdsChecked) return;
    const unknown = Object.keys(this.clockOptions).filter((id) => !this.slots.has(id));
    if (unknown.length > 0) {
      throw new UsageError(`World options clocks name ${unknown.map((id) => JSON.stringify(id)).join(', ')}, but no such node was added; nodes are: ${this.nodeIds.join(', ') || '(none)'}`);
    }
    this.clockIdsChecked = true;
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

  private get services(): NodeServices {
    return { clock: this.kernel, messaging: this.rpc, trace: this.kernel };
  }

  private record(event: TraceEventInput): void {
    this.kernel.record(event);
  }
}
