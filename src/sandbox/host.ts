/**
 * The trusted side of the bridge. The tester, the world, the checks and any key stay in this
 * isolate; the submission's node code runs in a guest thread (guest-worker.ts: its own V8
 * isolate and heap). The tester gets stand-in classes built from the lab's `NodeSurface`:
 * constructing one gives the guest a node over the real context; calling a method steps the
 * guest synchronously. Every delivery, timer, RPC result and crash steps the guest the same
 * way, and the effects it answers with are checked and replayed on the node's real context, in
 * order, so the world (and its trace) sees what it would see with the code in process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { NodeContext } from '../runtime/node';
import type { CompiledGraph } from '../testing/module-graph';
import { channelBuffer, ChannelTimeoutError, GuestGoneError, HostChannel, type Overrun } from './channel';
import type { GuestData } from './guest-worker';
import type { SupervisorData } from './supervisor';
import { HostNode, HostStream, rebuildError, type PendingReply } from './host-node';
import { checkSurface, type ClassSurface, type NodeSurface } from './surface';
import { effectProblem, replyProblem, type Effect, type ExportShape, type Step, type StepReply } from './wire';

type Namespace = Record<string, unknown>;

export interface BridgeOptions {
  readonly surface: NodeSurface;
  /** The submission, compiled (evaluated only in the guest). */
  readonly graph: CompiledGraph;
  /** The compiled guest entry; default: dist/src/sandbox/guest-worker.js of this package. */
  readonly guestFile?: string;
  /** V8 heap of the guest, in MB. */
  readonly heapMb?: number;
  /** The guest's console output. */
  readonly onOutput?: (text: string) => void;
}

/** The guest broke the bridge (no answer in time, garbage, a lie): the run cannot go on. */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
}

/**
 * How long one run may go on. CPU time is this process's (every thread: the guest's work and the
 * host's simulation), so the same run is stopped after the same work on a busy machine as on an
 * idle one; wall-clock time is only a safety net far above it (a run stopped there was not
 * graded: `Bridge.stoppedBy` says 'wall').
 */
export interface GuestBudget {
  readonly cpuMs: number;
  readonly wallMs: number;
  /** The sentence a run stopped at `cpuMs` fails with. */
  readonly cpuReason?: string;
  /** The sentence a run stopped at `wallMs` fails with, given the CPU ms it had used. */
  readonly wallReason?: (cpuMs: number) => string;
}

/** CPU ms used by this process so far (user + system, every thread). */
function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Steps between two checks of the run's limits when no step waits long (an event storm of short steps). */
const stepsPerLimitCheck = 64;

/** The submission could not be evaluated in the guest (threw while loading). */
export class GuestLoadError extends Error {
  override readonly name = 'GuestLoadError';
}

export function defaultGuestFile(): string {
  const beside = path.join(__dirname, 'guest-worker.js');
  if (fs.existsSync(beside)) return beside;
  return path.resolve(__dirname, '..', '..', 'dist', 'src', 'sandbox', 'guest-worker.js');
}

export class Bridge {
  private readonly surface: NodeSurface;
  private channel: HostChannel | null = null;
  private worker: Worker | null = null;
  private broken: string | null = null;
  private budget: Required<GuestBudget> = { cpuMs: Infinity, wallMs: Infinity, cpuReason: '', wallReason: () => '' };
  private cpuStartMs = 0;
  private wallStartMs = 0;
  private stepsUnchecked = 0;
  private overran: Overrun | null = null;
  private seed = 0;
  private nextHandle = 1;
  private readonly nodes = new Map<number, HostNode>();
  private readonly instances = new WeakMap<object, HostNode>();

  constructor(private readonly options: BridgeOptions) {
    this.surface = checkSurface(options.surface);
  }

  /**
   * Starts a run: the submission is evaluated afresh in the guest. Returns an exports record
   * for the lab's `implementationFrom`: stand-ins for the surface's classes, shapes for the rest.
   * `budget` bounds the whole run (a number: that many ms of CPU time, and five times as many of
   * wall-clock time); past it a step fails with the budget's sentence.
   */
  fresh(seed: number, budget: number | GuestBudget): Namespace {
    if (this.broken !== null || this.worker === null) this.restart();
    this.seed = seed;
    const limits: GuestBudget = typeof budget === 'number' ? { cpuMs: budget, wallMs: budget * 5 } : budget;
    this.budget = {
      cpuMs: limits.cpuMs,
      wallMs: limits.wallMs,
      cpuReason: limits.cpuReason ?? `your code used more than ${(limits.cpuMs / 1000).toFixed(1)} s of CPU time and was stopped (an infinite loop, or far too much work per event?)`,
      wallReason: limits.wallReason ?? ((cpuMs) => `the run took more than ${(limits.wallMs / 1000).toFixed(1)} s of wall-clock time (${(cpuMs / 1000).toFixed(1)} s of CPU) and was not finished`),
    };
    this.cpuStartMs = processCpuMs();
    this.wallStartMs = performance.now(); // wall-clock-ok (the grader's safety net on the guest, outside any world)
    this.overran = null;
    for (const node of this.nodes.values()) node.alive = false;
    this.nodes.clear();
    const reply = this.step(null, { k: 'fresh' });
    if (reply.error !== undefined) throw new GuestLoadError(`${reply.error.name}: ${reply.error.message}`);
    const exports: Namespace = {};
    for (const [name, shape] of Object.entries(reply.exports ?? {})) {
      const declared = this.surface.classes[name];
      exports[name] = declared !== undefined && shape.type === 'function' ? this.standIn(name, declared, shape) : placeholder(shape);
    }
    return exports;
  }

  /** Which limit stopped the last run ('wall': it was not graded), or null. */
  get stoppedBy(): Overrun | null {
    return this.overran;
  }

  /** Whether the run went over its CPU time or its wall-clock time. */
  private overrun(): Overrun | null {
    if (processCpuMs() - this.cpuStartMs > this.budget.cpuMs) return 'cpu';
    if (performance.now() - this.wallStartMs > this.budget.wallMs) return 'wall'; // wall-clock-ok (same safety net)
    return null;
  }

  /** After a broken run: starts the next guest now, so its start-up is not charged to the next run. */
  prepare(): void {
    if (this.broken !== null) this.restart();
  }

  /** Why the bridge broke, or null. */
  get problem(): string | null {
    return this.broken;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private restart(): void {
    void this.worker?.terminate();
    this.broken = null;
    // A fresh buffer per guest: a dying guest's supervisor may still mark the old one.
    const buffer = channelBuffer();
    this.channel = new HostChannel(buffer);
    const guestFile = this.options.guestFile ?? defaultGuestFile();
    const guestData: GuestData = { buffer, graph: this.options.graph, surface: this.surface };
    const data: SupervisorData = { buffer, guestFile, guestData, ...(this.options.heapMb === undefined ? {} : { heapMb: this.options.heapMb }) };
    const worker = new Worker(path.join(path.dirname(defaultGuestFile()), 'supervisor.js'), { workerData: data, env: {}, stdout: true, stderr: true });
    const output = (chunk: Buffer) => this.options.onOutput?.(chunk.toString('utf8'));
    worker.stdout.on('data', output);
    worker.stderr.on('data', output);
    worker.on('error', (error) => this.options.onOutput?.(`the guest thread failed: ${error.message}\n`));
    this.worker = worker;
  }

  /** A class the tester constructs as `new C(ctx, options)`; its methods step the guest. */
  private standIn(cls: string, declared: ClassSurface, shape: ExportShape): unknown {
    const bridge = this;
    const StandIn = function (this: object, ctx: NodeContext, options: unknown) {
      if (new.target === undefined) throw new TypeError(`Class constructor ${cls} cannot be invoked without 'new'`);
      bridge.construct(this, cls, declared, ctx, options);
    };
    Object.defineProperty(StandIn, 'name', { value: cls });
    for (const method of declared.methods) {
      if (!shape.methods.includes(method)) continue;
      Object.defineProperty(StandIn.prototype, method, {
        value: function (this: object, ...args: unknown[]) {
          return bridge.invoke(this, method, args);
        },
      });
    }
    return StandIn;
  }

  private construct(target: object, cls: string, declared: ClassSurface, ctx: NodeContext, options: unknown): void {
    const node = new HostNode(this.nextHandle++, cls, ctx);
    this.nodes.set(node.handle, node);
    this.instances.set(target, node);
    ctx.signal.addEventListener('abort', () => this.revoke(node), { once: true });
    ctx.requests$.subscribe((request) => {
      if (node.served.has(request.method)) node.lastRequest = request;
      else this.settle(node, this.step(node, { k: 'request', h: node.handle, id: 0, from: request.from, method: request.method, args: request.args, call: request.call, handle: false }));
    });
    ctx.messages$.subscribe((message) => this.settle(node, this.step(node, { k: 'message', h: node.handle, ...message })));
    const reply = this.step(node, {
      k: 'construct', h: node.handle, cls, id: ctx.id, incarnation: ctx.incarnation, seed: this.seed, options,
      state: ctx.persister.readState(), snapshot: ctx.persister.readSnapshot(), streams: declared.streams,
    });
    for (const name of reply.streams ?? []) {
      if (!declared.streams.includes(name) || node.streams.has(name)) continue;
      const stream = new HostStream();
      node.streams.set(name, stream);
      // A plain writable property: testers may wrap the node in a Proxy, whose invariants a
      // frozen property would break.
      (target as Record<string, unknown>)[name] = stream.observable;
    }
    this.settle(node, reply);
  }

  private invoke(target: object, method: string, args: unknown[]): unknown {
    const node = this.instances.get(target);
    if (node === undefined) throw new TypeError(`${method} called on an object that is not a node`);
    const reply = this.step(node, { k: 'invoke', h: node.handle, method, args });
    this.settle(node, reply);
    return reply.value;
  }

  private revoke(node: HostNode): void {
    node.alive = false;
    this.nodes.delete(node.handle);
    if (this.broken === null) this.settle(node, this.step(node, { k: 'revoke', h: node.handle }));
  }

  /** An RPC handler on the real context: the guest's handler answers now or later. */
  private handle(node: HostNode, method: string, args: unknown, from: string): unknown {
    const request = node.lastRequest;
    node.lastRequest = null;
    const id = node.nextRequest++;
    const pending: PendingReply = { done: false, sync: false, value: undefined, error: null, resolve: null, reject: null };
    node.pending.set(id, pending);
    try {
      this.settle(node, this.step(node, { k: 'request', h: node.handle, id, from, method, args, call: request?.call ?? 0, handle: true }));
    } catch (error) {
      node.pending.delete(id);
      throw error;
    }
    if (pending.done && pending.sync && pending.error === null) {
      node.pending.delete(id);
      return pending.value;
    }
    return new Promise((resolve, reject) => {
      if (pending.done) {
        node.pending.delete(id);
        if (pending.error !== null) reject(pending.error);
        else resolve(pending.value);
        return;
      }
      pending.resolve = resolve;
      pending.reject = reject;
    });
  }

  /** Sends one step and checks the answer; a guest that fails to answer breaks the bridge. */
  private step(node: HostNode | null, step: Step): StepReply {
    if (this.broken !== null || this.channel === null) throw new BridgeError(this.broken ?? 'the bridge is closed');
    const now = node === null ? 0 : node.ctx.now();
    if (++this.stepsUnchecked >= stepsPerLimitCheck) {
      this.stepsUnchecked = 0;
      const over = this.overrun();
      if (over !== null) return this.breakDown(this.whyBroken(new ChannelTimeoutError(over)));
    }
    let raw: unknown;
    try {
      raw = this.channel.request({ now, step }, () => this.overrun());
    } catch (error) {
      return this.breakDown(this.whyBroken(error));
    }
    const problem = replyProblem(raw);
    if (problem !== null) return this.breakDown(`your code's thread sent ${problem}`);
    const reply = raw as StepReply;
    for (const effect of reply.effects) {
      const bad = effectProblem(effect);
      if (bad !== null) return this.breakDown(`your code's thread sent ${bad}`);
    }
    return reply;
  }

  private whyBroken(error: unknown): string {
    if (error instanceof ChannelTimeoutError) {
      this.overran = error.overrun;
      return error.overrun === 'cpu' ? this.budget.cpuReason : this.budget.wallReason(processCpuMs() - this.cpuStartMs);
    }
    if (error instanceof GuestGoneError && error.reason === 'memory') {
      return `your code ran out of memory (the limit is ${this.options.heapMb ?? 'the default'} MB): look for a collection that grows without bound`;
    }
    if (error instanceof GuestGoneError) return 'the thread running your code ended before it answered (process.exit, or an error outside any node)';
    return `the thread running your code stopped answering properly (${error instanceof Error ? error.message : String(error)})`;
  }

  private breakDown(why: string): never {
    this.broken = why;
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate();
    throw new BridgeError(why);
  }

  /**
   * Replays a reply's effects: those of the step's synchronous part now, those of its microtask
   * drain in a microtask (as the world would have run them). Then throws the step's error.
   */
  private settle(node: HostNode, reply: StepReply): void {
    void node;
    const first = this.applyAll(reply.effects, 0, reply.drainFrom);
    if (reply.drainFrom < reply.effects.length) {
      void Promise.resolve().then(() => {
        const later = this.applyAll(reply.effects, reply.drainFrom, reply.effects.length);
        if (later !== null) throw later;
      });
    }
    if (reply.error !== undefined) throw rebuildError(reply.error);
    if (first !== null) throw first;
  }

  /** Applies effects [from, to); returns the first error of node code they carried. */
  private applyAll(effects: readonly Effect[], from: number, to: number): Error | null {
    let first: Error | null = null;
    for (let index = from; index < to; index++) {
      const effect = effects[index] as Effect;
      if (effect.k === 'error') {
        first ??= rebuildError(effect.error);
        continue;
      }
      this.apply(effect);
    }
    return first;
  }

  private apply(effect: Exclude<Effect, { k: 'error' }>): void {
    const node = this.nodes.get(effect.h);
    if (node === undefined) {
      if (effect.h < this.nextHandle) return; // a node that crashed: its code may not act
      this.breakDown(`your code's thread sent an effect for a node that does not exist`);
    }
    if (!node.alive) return;
    const ctx = node.ctx;
    switch (effect.k) {
      case 'serve':
        if (!node.served.has(effect.method)) {
          node.served.add(effect.method);
          ctx.serve(effect.method, (args: unknown, from: string) => this.handle(node, effect.method, args, from));
        }
        return;
      case 'call': {
        const subscription = ctx.call$(effect.peer, effect.method, effect.args, effect.timeoutMs === undefined ? undefined : { timeoutMs: effect.timeoutMs }).subscribe((result) => {
          node.calls.delete(effect.id);
          this.settle(node, this.step(node, { k: 'result', h: node.handle, id: effect.id, result }));
        });
        if (!subscription.closed) node.calls.set(effect.id, subscription);
        return;
      }
      case 'cancelCall': node.calls.get(effect.id)?.unsubscribe(); node.calls.delete(effect.id); return;
      case 'timer': {
        const subscription = ctx.scheduler.schedule(() => {
          node.timers.delete(effect.id);
          this.settle(node, this.step(node, { k: 'timer', h: node.handle, id: effect.id }));
        }, effect.delay);
        node.timers.set(effect.id, subscription);
        return;
      }
      case 'cancelTimer': node.timers.get(effect.id)?.unsubscribe(); node.timers.delete(effect.id); return;
      default: this.applyPlain(node, effect);
    }
  }

  private applyPlain(node: HostNode, effect: Exclude<Effect, { k: 'error' | 'serve' | 'call' | 'cancelCall' | 'timer' | 'cancelTimer' }>): void {
    const ctx = node.ctx;
    switch (effect.k) {
      case 'send': ctx.send(effect.peer, effect.type, effect.payload); return;
      case 'persist': ctx.persister.save(effect.state, effect.snapshot); return;
      case 'log': ctx.log(effect.message); return;
      case 'role': ctx.role(effect.role, effect.term); return;
      case 'metric': ctx.metric(effect.name, effect.value); return;
      case 'emit': node.streams.get(effect.stream)?.next(effect.value); return;
      case 'streamError': node.streams.get(effect.stream)?.error(rebuildError(effect.error)); return;
      case 'reply': case 'replyError': {
        const pending = node.pending.get(effect.id);
        if (pending === undefined || pending.done) return;
        pending.done = true;
        pending.sync = effect.k === 'reply' && effect.sync;
        if (effect.k === 'reply') pending.value = effect.value;
        else pending.error = rebuildError(effect.error);
        if (pending.resolve !== null) {
          node.pending.delete(effect.id);
          if (pending.error !== null) pending.reject?.(pending.error);
          else pending.resolve(pending.value);
        }
        return;
      }
    }
  }
}

/** What an export that is not a surface class looks like to the lab's checks. */
function placeholder(shape: ExportShape): unknown {
  if (shape.type !== 'function') return shape.type === 'undefined' ? undefined : {};
  const stub = function unavailable(): never {
    throw new Error('this export runs in the sandboxed thread and cannot be called by the tester');
  };
  for (const method of shape.methods) Object.defineProperty(stub.prototype, method, { value: stub });
  return stub;
}
