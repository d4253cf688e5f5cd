/**
 * The NodeContext a submission's node sees inside the guest (the untrusted side of the
 * bridge). It behaves like the runtime's own context: the same argument checks, codec errors
 * and revocation errors are thrown into node code synchronously, but instead of touching a
 * world it records effects (`GuestNode.effect`) that the host replays on the node's real
 * context. Time comes with each step; randomness is the node's own seeded stream, drawn here
 * exactly as the world would draw it; the persister is a mirror of the node's stable storage.
 */
import { Observable, Subject } from 'rxjs';
import { encode, decode, plainData, type Encoded } from '../runtime/codec';
import { ContextRevokedError, UsageError } from '../runtime/errors';
import type { CallOptions, IncomingMessage, IncomingRequest, NodeContext, Persister, RpcHandler, RpcResult } from '../runtime/node';
import { Random } from '../runtime/random';
import { VirtualScheduler, type TimerHandle } from '../runtime/scheduler';
import type { Effect, Handle } from './wire';

/** What a guest node needs from the guest: the clock and the effect list. */
export interface GuestHost {
  nowMs(): number;
  effect(effect: Effect): void;
}

type EffectBody<E> = E extends { h: Handle } ? Omit<E, 'h'> : never;

/** One incarnation of a node inside the guest. */
export class GuestNode {
  alive = true;
  readonly handlers = new Map<string, RpcHandler>();
  readonly requests = new Subject<IncomingRequest>();
  readonly messages = new Subject<IncomingMessage>();
  readonly timers = new Map<number, () => void>();
  readonly calls = new Map<number, (result: RpcResult<unknown>) => void>();
  readonly abort = new AbortController();
  readonly context: NodeContext;
  instance: object | null = null;
  private nextId = 1;
  private state: Encoded | null;
  private snapshot: Encoded | null;

  constructor(
    readonly handle: Handle,
    readonly nodeId: string,
    readonly number: number,
    private readonly host: GuestHost,
    private readonly random: Random,
    stored: { state: unknown; snapshot: unknown },
  ) {
    this.state = stored.state === null || stored.state === undefined ? null : encode(stored.state, 'state');
    this.snapshot = stored.snapshot === null || stored.snapshot === undefined ? null : encode(stored.snapshot, 'snapshot');
    this.context = this.buildContext();
  }

  effect(body: EffectBody<Effect>): void {
    this.host.effect({ ...body, h: this.handle } as Effect);
  }

  check(operation: string): void {
    if (!this.alive) throw new ContextRevokedError(this.nodeId, this.number, this.host.nowMs(), operation);
  }

  /** The node crashed: nothing it scheduled runs again. */
  revoke(): void {
    if (!this.alive) return;
    this.alive = false;
    this.timers.clear();
    this.calls.clear();
    this.requests.unsubscribe();
    this.messages.unsubscribe();
    this.handlers.clear();
    this.abort.abort();
  }

  addTimer(delayMs: number, fire: () => void): TimerHandle {
    this.check('scheduler.schedule');
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) throw new UsageError(`node ${this.nodeId}: timer delay must be finite and non-negative, got ${delayMs}`);
    const id = this.nextId++;
    this.timers.set(id, fire);
    this.effect({ k: 'timer', id, delay: delayMs });
    return {
      cancel: () => {
        if (this.timers.delete(id) && this.alive) this.effect({ k: 'cancelTimer', id });
      },
    };
  }

  private buildContext(): NodeContext {
    const self = this;
    const host = this.host;
    return {
      id: this.nodeId,
      incarnation: this.number,
      scheduler: new VirtualScheduler({ nodeId: this.nodeId, nowMs: () => host.nowMs(), addTimer: (delay, fire) => self.addTimer(delay, fire) }),
      requests$: this.requests.asObservable(),
      messages$: this.messages.asObservable(),
      persister: this.buildPersister(),
      signal: this.abort.signal,
      now: () => host.nowMs(),
      random: () => (self.check('random()'), self.random.float()),
      randomInt: (min, max) => (self.check('randomInt()'), self.random.int(min, max)),
      serve: (method, handler) => {
        self.check(`serve('${method}')`);
        if (typeof handler !== 'function') throw new UsageError(`node ${self.nodeId}: serve('${method}') needs a handler function`);
        if (!self.handlers.has(method)) self.effect({ k: 'serve', method: String(method) });
        self.handlers.set(method, handler);
      },
      call: <R>(peer: string, method: string, args: unknown, options?: CallOptions) => {
        self.check(`call('${peer}', '${method}')`);
        return new Promise<RpcResult<R>>((resolve) => void self.startCall(peer, method, args, options, (result) => resolve(result as RpcResult<R>)));
      },
      call$: <R>(peer: string, method: string, args: unknown, options?: CallOptions) =>
        new Observable<RpcResult<R>>((subscriber) => {
          self.check(`call$('${peer}', '${method}')`);
          return self.startCall(peer, method, args, options, (result) => {
            subscriber.next(result as RpcResult<R>);
            subscriber.complete();
          });
        }),
      send: (peer, type, payload) => {
        self.check(`send('${peer}', '${type}')`);
        self.effect({ k: 'send', peer: String(peer), type: String(type), payload: plainData(payload, 'payload') });
      },
      sleep: (ms) => {
        self.check(`sleep(${ms})`);
        if (!(ms >= 0) || !Number.isFinite(ms)) throw new UsageError(`node ${self.nodeId}: sleep(${ms}) needs a finite, non-negative number of ms`);
        return new Promise<void>((resolve) => void self.addTimer(ms, resolve));
      },
      log: (message) => (self.check('log()'), self.effect({ k: 'log', message: String(message) })),
      role: (role, term) => (self.check('role()'), self.effect({ k: 'role', role: String(role), term: Number(term) })),
      metric: (name, value) => (self.check('metric()'), self.effect({ k: 'metric', name: String(name), value: Number(value) })),
    };
  }

  /** Records the call and returns its cancel function (for call$ unsubscription). */
  private startCall(peer: string, method: string, args: unknown, options: CallOptions | undefined, settle: (result: RpcResult<unknown>) => void): () => void {
    const plainArgs = plainData(args, 'args'); // validates too
    const timeoutMs = options?.timeoutMs;
    if (timeoutMs !== undefined && (!(timeoutMs >= 0) || !Number.isFinite(timeoutMs))) {
      throw new UsageError(`node ${this.nodeId}: call('${peer}', '${method}') timeoutMs must be finite and non-negative`);
    }
    const id = this.nextId++;
    this.calls.set(id, settle);
    this.effect({ k: 'call', id, peer: String(peer), method: String(method), args: plainArgs, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    return () => {
      if (this.calls.delete(id) && this.alive) this.effect({ k: 'cancelCall', id });
    };
  }

  private buildPersister(): Persister {
    return {
      save: (state, snapshot) => {
        this.check('persister.save');
        const nextState = state === null || state === undefined ? null : encode(state, 'state');
        const nextSnapshot = snapshot === null || snapshot === undefined ? null : encode(snapshot, 'snapshot');
        this.state = nextState;
        this.snapshot = nextSnapshot;
        this.effect({ k: 'persist', state: nextState === null ? null : plainData(state, 'state'), snapshot: nextSnapshot === null ? null : plainData(snapshot, 'snapshot') });
      },
      readState: <T>() => (this.state === null ? null : decode<T>(this.state)),
      readSnapshot: <T>() => (this.snapshot === null ? null : decode<T>(this.snapshot)),
      stateSize: () => this.state?.bytes ?? 0,
      snapshotSize: () => this.snapshot?.bytes ?? 0,
    };
  }
}

/** The node's random stream: the one the world forks for this incarnation (World.boot). */
export function nodeRandom(worldSeed: number, nodeId: string, incarnation: number): Random {
  return new Random(worldSeed).fork(`node:${nodeId}#${incarnation}`);
}
