import { Observable, Subject } from 'rxjs';
import { ContextRevokedError, UsageError } from './errors';
import { VirtualScheduler, type TimerHandle, type TimerHost } from './scheduler';
import type {
  CallOptions,
  IncomingMessage,
  IncomingRequest,
  NodeContext,
  Persister,
  RpcHandler,
  RpcResult,
} from './node';
import type { Random } from './random';
import { LocalClock } from './local-clock';
import { limits } from './limits';
import type { NodeServices, RunningNode } from './services';

/**
 * One life of a node: its context, handlers, timers and calls. A crash calls `revoke()`, after
 * which nothing scheduled by this incarnation runs and every use of its context throws.
 */
export class Incarnation implements TimerHost, RunningNode {
  alive = true;
  readonly handlers = new Map<string, RpcHandler>();
  readonly requests = new Subject<IncomingRequest>();
  readonly messages = new Subject<IncomingMessage>();
  readonly timers = new Set<TimerHandle>();
  readonly pendingCalls = new Set<() => void>();
  /** Calls this node is serving that have not been answered yet, by call id. */
  readonly serving = new Map<number, () => void>();
  readonly abort = new AbortController();
  readonly context: NodeContext;
  instance: object | null = null;

  constructor(
    readonly nodeId: string,
    readonly number: number,
    private readonly services: NodeServices,
    private readonly store: Persister,
    private readonly random: Random,
    /** The node's own clock: `ctx.now()`, `ctx.sleep` and scheduler delays are local time (real mode: none, the wall clock). */
    private readonly localClock: LocalClock = new LocalClock(),
  ) {
    this.context = this.buildContext();
  }

  /** The node's local time (its scheduler's `now()`); equal to virtual time without drift. */
  nowMs(): number {
    return this.localClock.localMs(this.services.clock.nowMs());
  }

  addTimer(delayMs: number, fire: () => void): TimerHandle {
    this.check('scheduler.schedule');
    if (this.timers.size >= limits.timersMax) {
      throw new UsageError(`node ${this.nodeId} has ${this.timers.size} timers scheduled, over timersMax (${limits.timersMax}); are timers leaking?`);
    }
    return this.services.clock.addTimer(this, this.localClock.virtualDelayMs(delayMs), fire, true);
  }

  /** Cancels everything this incarnation scheduled or awaits; idempotent. */
  revoke(): void {
    if (!this.alive) return;
    this.alive = false;
    for (const timer of [...this.timers]) timer.cancel();
    this.timers.clear();
    for (const cancel of [...this.pendingCalls]) cancel();
    this.pendingCalls.clear();
    this.serving.clear();
    // Drop observers without notifying them: no completion or finalize code of the dead node runs.
    this.requests.unsubscribe();
    this.messages.unsubscribe();
    this.handlers.clear();
    this.abort.abort();
  }

  check(operation: string): void {
    if (!this.alive) throw new ContextRevokedError(this.nodeId, this.number, this.services.clock.nowMs(), operation);
  }

  private buildContext(): NodeContext {
    const self = this;
    const { messaging, trace } = this.services;
    const scheduler = new VirtualScheduler(this);
    const persister = this.buildPersister();
    return {
      id: this.nodeId,
      incarnation: this.number,
      scheduler,
      requests$: this.requests.asObservable(),
      messages$: this.messages.asObservable(),
      persister,
      signal: this.abort.signal,
      now: () => self.nowMs(),
      random: () => {
        self.check('random()');
        return self.random.float();
      },
      randomInt: (min, max) => {
        self.check('randomInt()');
        return self.random.int(min, max);
      },
      serve: (method, handler) => {
        self.check(`serve('${method}')`);
        if (typeof handler !== 'function') throw new UsageError(`node ${self.nodeId}: serve('${method}') needs a handler function`);
        self.handlers.set(method, handler);
      },
      call: <R>(peer: string, method: string, args: unknown, options?: CallOptions) => self.call<R>(peer, method, args, options),
      call$: <R>(peer: string, method: string, args: unknown, options?: CallOptions) => self.call$<R>(peer, method, args, options),
      send: (peer, type, payload) => {
        self.check(`send('${peer}', '${type}')`);
        messaging.sendMessage(self, peer, type, payload);
      },
      sleep: (ms) => self.sleep(ms),
      log: (message) => {
        self.check('log()');
        self.traceLog(String(message));
      },
      role: (role, term) => {
        self.check('role()');
        trace.record({ type: 'node.role', node: self.nodeId, role, term });
      },
      metric: (name, value) => {
        self.check('metric()');
        trace.record({ type: 'node.metric', node: self.nodeId, name, value });
      },
    };
  }

  private traceLog(message: string): void {
    const clipped = message.length > limits.logMessageCharsMax ? `${message.slice(0, limits.logMessageCharsMax)}…` : message;
    this.services.trace.record({ type: 'node.log', node: this.nodeId, message: clipped });
  }

  private buildPersister(): Persister {
    const store = this.store;
    return {
      save: (state, snapshot) => {
        this.check('persister.save');
        store.save(state, snapshot);
        this.services.trace.record({ type: 'node.persist', node: this.nodeId, stateBytes: store.stateSize(), snapshotBytes: store.snapshotSize() });
      },
      readState: <T>() => store.readState<T>(),
      readSnapshot: <T>() => store.readSnapshot<T>(),
      stateSize: () => store.stateSize(),
      snapshotSize: () => store.snapshotSize(),
    };
  }

  private call<R>(peer: string, method: string, args: unknown, options: CallOptions | undefined): Promise<RpcResult<R>> {
    this.check(`call('${peer}', '${method}')`);
    return new Promise<RpcResult<R>>((resolve) => {
      this.services.messaging.startCall(this, peer, method, args, options, resolve as (result: RpcResult<unknown>) => void);
    });
  }

  private call$<R>(peer: string, method: string, args: unknown, options: CallOptions | undefined): Observable<RpcResult<R>> {
    return new Observable<RpcResult<R>>((subscriber) => {
      this.check(`call$('${peer}', '${method}')`);
      return this.services.messaging.startCall(this, peer, method, args, options, (result) => {
        subscriber.next(result as RpcResult<R>);
        subscriber.complete();
      });
    });
  }

  private sleep(ms: number): Promise<void> {
    this.check(`sleep(${ms})`);
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new UsageError(`node ${this.nodeId}: sleep(${ms}) needs a finite, non-negative number of ms`);
    return new Promise<void>((resolve) => {
      this.services.clock.addTimer(this, this.localClock.virtualDelayMs(ms), resolve, true);
    });
  }
}
