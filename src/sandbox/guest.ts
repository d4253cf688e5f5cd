/**
 * The untrusted side of the bridge: runs the submission's node code, one step at a time, and
 * answers each step with the effects the code asked for. It holds no verdict, no test and no
 * key: whatever it does, the host only ever sees its effects, checked on arrival.
 */
import { isObservable, take } from 'rxjs';
import { plainData } from '../runtime/codec';
import { UsageError } from '../runtime/errors';
import type { IncomingRequest, RpcResult } from '../runtime/node';
import { withRxjsRedirect } from '../runtime/rxjs-hooks';
import { GuestNode, nodeRandom, type GuestHost } from './guest-context';
import type { NodeSurface } from './surface';
import type { Effect, ExportShape, Step, StepEnvelope, StepReply, WireError } from './wire';

type Namespace = Record<string, unknown>;

export function wireError(error: unknown): WireError {
  if (error instanceof Error) return { name: String(error.name).slice(0, 200), message: String(error.message).slice(0, 100_000) };
  let text: string;
  try {
    text = String(error);
  } catch {
    text = 'a value that cannot be printed';
  }
  return { name: 'Error', message: `${text}`.slice(0, 100_000) };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/** Shapes of the exports, for the lab's own checks on the host. */
function shapesOf(exports: Namespace): Record<string, ExportShape> {
  const shapes: Record<string, ExportShape> = {};
  for (const name of Object.keys(exports).slice(0, 200)) {
    const value = exports[name];
    const prototype = typeof value === 'function' ? (value as { prototype?: unknown }).prototype : undefined;
    const methods: string[] = [];
    for (let object = prototype as object | null | undefined; object && object !== Object.prototype; object = Object.getPrototypeOf(object) as object | null) {
      for (const key of Object.getOwnPropertyNames(object)) {
        const descriptor = Object.getOwnPropertyDescriptor(object, key);
        if (key !== 'constructor' && typeof descriptor?.value === 'function' && !methods.includes(key)) methods.push(key);
      }
    }
    shapes[name.slice(0, 200)] = { type: value === null ? 'null' : typeof value, methods: methods.slice(0, 200) };
  }
  return shapes;
}

export class Guest implements GuestHost {
  private readonly nodes = new Map<number, GuestNode>();
  private effects: Effect[] = [];
  private now = 0;
  private exports: Namespace = {};
  private lastRan: GuestNode | null = null;

  constructor(
    private readonly surface: NodeSurface,
    /** Evaluates the submission afresh and returns its exports. */
    private readonly load: () => Namespace,
  ) {}

  nowMs(): number {
    return this.now;
  }

  effect(effect: Effect): void {
    this.effects.push(effect);
  }

  /** An error thrown where no step is waiting for it (a rejected promise): blamed on the node that ran last. */
  strayError(error: unknown): void {
    if (this.lastRan !== null) this.effects.push({ k: 'error', h: this.lastRan.handle, error: wireError(error) });
  }

  /**
   * Runs a step's synchronous part. The caller then lets the microtasks it queued run (only if
   * it queued any: guest-worker.ts watches promises) and calls `finish` for the reply; effects
   * from `drainFrom` on came from those microtasks.
   */
  begin(envelope: StepEnvelope): Omit<StepReply, 'effects'> {
    this.now = envelope.now;
    this.effects = [];
    let reply: Omit<StepReply, 'effects' | 'drainFrom'>;
    try {
      reply = this.run(envelope.step);
    } catch (error) {
      reply = { error: wireError(error) };
    }
    return { ...reply, drainFrom: this.effects.length };
  }

  /** The reply to the step `begin` ran: its value or error and every effect, the drained ones last. */
  finish(started: Omit<StepReply, 'effects'>): StepReply {
    return { ...started, effects: this.effects };
  }

  private run(step: Step): Omit<StepReply, 'effects' | 'drainFrom'> {
    if (step.k === 'fresh') return this.fresh();
    if (step.k === 'construct') return this.construct(step);
    const node = this.nodes.get(step.h);
    if (node === undefined || !node.alive) {
      if (step.k === 'invoke') throw new Error('this node is not running');
      return {};
    }
    switch (step.k) {
      case 'invoke': return { value: this.invoke(node, step.method, step.args) };
      case 'timer': {
        const fire = node.timers.get(step.id);
        node.timers.delete(step.id);
        if (fire !== undefined) this.runNode(node, fire, true);
        return {};
      }
      case 'request': this.request(node, step); return {};
      case 'message': this.runNode(node, () => node.messages.next({ from: step.from, type: step.type, payload: step.payload }), true); return {};
      case 'result': {
        const settle = node.calls.get(step.id);
        node.calls.delete(step.id);
        if (settle !== undefined) this.runNode(node, () => settle(step.result as RpcResult<unknown>), true);
        return {};
      }
      case 'revoke': node.revoke(); this.nodes.delete(step.h); return {};
    }
  }

  private fresh(): Omit<StepReply, 'effects' | 'drainFrom'> {
    for (const node of this.nodes.values()) node.revoke();
    this.nodes.clear();
    this.lastRan = null;
    this.exports = {};
    this.exports = this.load();
    return { exports: shapesOf(this.exports) };
  }

  private construct(step: Extract<Step, { k: 'construct' }>): Omit<StepReply, 'effects' | 'drainFrom'> {
    const declared = this.surface.classes[step.cls];
    const constructor = this.exports[step.cls];
    if (declared === undefined || typeof constructor !== 'function') throw new Error(`${step.cls} is not a class of this submission`);
    const node = new GuestNode(step.h, step.id, step.incarnation, this, nodeRandom(step.seed, step.id, step.incarnation), { state: step.state, snapshot: step.snapshot });
    this.nodes.set(step.h, node);
    const instance = this.runNode(node, () => new (constructor as new (...args: unknown[]) => unknown)(node.context, step.options), false);
    if (instance === null || typeof instance !== 'object') return { streams: [] };
    node.instance = instance;
    const streams: string[] = [];
    for (const name of declared.streams) {
      const stream = (instance as Record<string, unknown>)[name];
      if (!isObservable(stream)) continue;
      streams.push(name);
      stream.subscribe({
        next: (value) => { if (node.alive) node.effect({ k: 'emit', stream: name, value }); },
        error: (error: unknown) => { if (node.alive) node.effect({ k: 'streamError', stream: name, error: wireError(error) }); },
      });
    }
    return { streams };
  }

  private invoke(node: GuestNode, method: string, args: readonly unknown[]): unknown {
    const instance = node.instance as Record<string, unknown> | null;
    const declared = Object.values(this.surface.classes).some((surface) => surface.methods.includes(method));
    const target = instance?.[method];
    if (!declared || typeof target !== 'function') throw new TypeError(`${method} is not a function`);
    return this.runNode(node, () => (target as (...rest: unknown[]) => unknown).apply(instance, [...args]), false);
  }

  private request(node: GuestNode, step: Extract<Step, { k: 'request' }>): void {
    const incoming: IncomingRequest = { from: step.from, method: step.method, args: step.args, call: step.call };
    if (node.requests.observed) this.runNode(node, () => node.requests.next(incoming), false);
    if (!step.handle || !node.alive) return;
    const handler = node.handlers.get(step.method);
    if (handler === undefined) throw new UsageError(`node ${node.nodeId} serves no method ${JSON.stringify(step.method)}`);
    const result = this.runNode(node, () => handler(step.args, step.from), false);
    const fail = (error: unknown) => node.effect({ k: 'replyError', id: step.id, error: wireError(error) });
    if (isObservable(result)) {
      let replied = false;
      let returned = false;
      this.runNode(node, () => result.pipe(take(1)).subscribe({
        next: (value) => { replied = true; node.effect({ k: 'reply', id: step.id, value: replyValue(value), sync: !returned }); },
        error: fail,
        complete: () => { if (!replied) fail(new UsageError(`the observable returned by handle ${step.method} completed without a reply`)); },
      }), false);
      returned = true;
    } else if (isThenable(result)) {
      result.then((value) => node.effect({ k: 'reply', id: step.id, value: replyValue(value), sync: false }), fail);
    } else {
      node.effect({ k: 'reply', id: step.id, value: replyValue(result), sync: true });
    }
  }

  /** Runs node code as the world would: RxJS errors reported, async failures of callbacks caught. */
  private runNode<T>(node: GuestNode, body: () => T, catchAsync: boolean): T {
    this.lastRan = node;
    const result = withRxjsRedirect((error) => node.effect({ k: 'error', error: wireError(error) }), body);
    if (catchAsync && isThenable(result)) result.then(undefined, (error: unknown) => node.effect({ k: 'error', error: wireError(error) }));
    return result;
  }
}

/**
 * A reply as plain data: pre-encoded pieces (`preEncode`) would reach the host as `{}` through
 * structured clone, so they are expanded here. A value the codec refuses goes as it is: the host
 * encodes every reply and names the problem, as it always did.
 */
function replyValue(value: unknown): unknown {
  try {
    return plainData(value, 'reply');
  } catch {
    return value;
  }
}
