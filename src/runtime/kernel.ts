import { promiseHooks } from 'node:v8';
import { UsageError } from './errors';
import { EventQueue, type QueueEntry } from './event-queue';
import { limits } from './limits';
import { withRxjsRedirect } from './rxjs-hooks';
import type { TimerHandle } from './scheduler';
import { isThenable, threw, type Clock, type NodeCodeRunner, type RunningNode, type TraceSink } from './services';
import { Trace } from './trace';
import type { TraceEventInput } from './trace-event';
import type { NodeErrorPolicy } from './world-options';

export interface KernelOptions {
  readonly seed: number;
  readonly policy: NodeErrorPolicy;
  readonly traceTimers: boolean;
  readonly eventsMax: number;
  readonly virtualMsMax: number;
  readonly traceEventsKeptMax: number;
  readonly reporter: ((line: string) => void) | null;
  /** Crashes a node whose code threw, under the `crash-node` policy. */
  readonly crashNode: (id: string, reason: string) => void;
}

/**
 * The event kernel: the agenda (a heap ordered by virtual time, then sequence number), the
 * virtual clock, the trace, and the one place node code runs (with its errors attributed to
 * the node that ran). It knows nothing of networks or RPCs: those schedule their work here.
 */
export class Kernel implements Clock, NodeCodeRunner, TraceSink {
  readonly seed: number;
  readonly trace: Trace;
  private readonly options: KernelOptions;
  private readonly queue = new EventQueue<QueueEntry>();
  private now = 0;
  private seq = 0;
  private eventsRun = 0;
  private nextTimer = 1;
  private drainNeeded = false;
  private running = false;
  private current: RunningNode | null = null;
  /** The node whose code ran last: async continuations after a step most likely belong to it. */
  private lastRan: RunningNode | null = null;
  private stopReason: string | null = null;
  /** Where the running node code is (for errors RxJS reports while it runs). */
  private currentWhere = '';
  /** RxJS reports errors synchronously while node code runs: they belong to the innermost running node. */
  private readonly rxjsErrorSink = (error: unknown): void => {
    if (this.current !== null) this.nodeError(this.current, this.currentWhere, error, true);
  };

  constructor(options: KernelOptions) {
    this.options = options;
    this.seed = options.seed;
    this.trace = new Trace(options.traceEventsKeptMax);
  }

  nowMs(): number {
    return this.now;
  }

  get stopped(): string | null {
    return this.stopReason;
  }

  get eventCount(): number {
    return this.eventsRun;
  }

  record(event: TraceEventInput): void {
    this.trace.record(event, this.now);
  }

  stop(reason: string): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    this.record({ type: 'world.stop', reason });
  }

  /** Runs `run` at virtual time `atMs` (after everything already scheduled for that time). */
  at(atMs: number, run: () => void): QueueEntry {
    const entry: QueueEntry = { atMs, seq: this.seq++, cancelled: false, run };
    this.queue.push(entry);
    return entry;
  }

  /** Runs `run` after `delayMs`; the handle cancels it. */
  after(delayMs: number, run: () => void): TimerHandle {
    const entry = this.at(this.now + delayMs, run);
    return { cancel: () => this.queue.cancel(entry) };
  }

  /** Runs promise continuations (of tester code) at this virtual time, before the next event. */
  drainAfterThisEvent(): void {
    this.drainNeeded = true;
  }

  /** A node timer: traced as `timer.set` / `timer.fire` (unless `traced` is false) and revoked with its owner. */
  addTimer(owner: RunningNode, delayMs: number, fire: () => void, traced: boolean): TimerHandle {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) throw new UsageError(`node ${owner.nodeId}: timer delay must be finite and non-negative, got ${delayMs}`);
    const timer = this.nextTimer++;
    const fireAtMs = this.now + delayMs;
    const record = traced && this.options.traceTimers;
    if (record) this.record({ type: 'timer.set', node: owner.nodeId, timer, fireAtMs });
    const handle: TimerHandle = { cancel: () => { this.queue.cancel(entry); owner.timers.delete(handle); } };
    const entry = this.at(fireAtMs, () => {
      owner.timers.delete(handle);
      if (!owner.alive) return;
      if (record) this.record({ type: 'timer.fire', node: owner.nodeId, timer });
      this.runNodeCode(owner, 'timer', fire);
    });
    owner.timers.add(handle);
    return handle;
  }

  /** Runs events until `untilMs`, until `predicate()` holds (checked after every event) or the world stops. */
  async advance(untilMs: number, predicate: (() => boolean) | null): Promise<boolean> {
    if (this.running) throw new UsageError('the world is already running; inside world.spawn() tasks wait with world.sleep(), not runFor()');
    if (predicate?.()) return true;
    this.running = true;
    const onRejection = (reason: unknown) => this.unhandledRejection(reason);
    process.on('unhandledRejection', onRejection);
    const markPromise = () => { this.drainNeeded = true; };
    const stopInit = promiseHooks.onInit(markPromise);
    const stopSettled = promiseHooks.onSettled(markPromise);
    try {
      while (this.stopReason === null) {
        const entry = this.queue.peek();
        if (entry === undefined || entry.atMs > untilMs) break;
        this.queue.pop();
        if (!this.step(entry)) break;
        if (this.drainNeeded) {
          await drainMicrotasks();
          this.drainNeeded = false;
        }
        if (predicate?.()) return true;
      }
      if (this.stopReason === null && untilMs <= this.options.virtualMsMax) this.now = Math.max(this.now, untilMs);
      return predicate?.() ?? false;
    } finally {
      process.off('unhandledRejection', onRejection);
      stopInit();
      stopSettled();
      this.running = false;
    }
  }

  /** Runs one popped entry; false when a limit stopped the world instead. */
  private step(entry: QueueEntry): boolean {
    if (entry.atMs > this.options.virtualMsMax) {
      this.stop(`virtual time passed virtualMsMax (${this.options.virtualMsMax} ms)`);
      return false;
    }
    this.now = entry.atMs;
    if (++this.eventsRun > this.options.eventsMax) {
      this.stop(`more than eventsMax (${this.options.eventsMax}) events; is something looping?`);
      return false;
    }
    entry.run();
    return true;
  }

  /** Runs node code with errors attributed to `node`; returns `threw` if it threw. */
  runNodeCode<T>(node: RunningNode, where: string, body: () => T): T | typeof threw {
    if (!node.alive) return threw;
    const previous = this.current;
    const previousWhere = this.currentWhere;
    this.current = node;
    this.currentWhere = where;
    this.lastRan = node;
    try {
      const result = withRxjsRedirect(this.rxjsErrorSink, body);
      if (isThenable(result)) {
        if (where === 'construction' || where === 'timer' || where.startsWith('message') || where.startsWith('reply to')) {
          result.then(undefined, (error: unknown) => this.nodeError(node, where, error, true));
        }
      }
      return result;
    } catch (error) {
      this.nodeError(node, where, error, true);
      return threw;
    } finally {
      this.current = previous;
      this.currentWhere = previousWhere;
    }
  }

  /**
   * Reports an error in node code: a `node.error` event and a console line naming node, place,
   * virtual time and seed. `fatal` errors then follow the world's policy (stop or crash-node);
   * misaddressed RPCs are not fatal: the call fails and the world goes on.
   */
  nodeError(node: RunningNode, where: string, error: unknown, fatal: boolean): void {
    const message = messageOf(error);
    this.record({ type: 'node.error', node: node.nodeId, where, message });
    this.options.reporter?.(
      `distlab: node ${node.nodeId} ${fatal ? 'threw' : 'error'} in ${where} at ${this.now} ms (seed ${this.seed}): ${message}` +
        (fatal && error instanceof Error && error.stack ? `\n${stackExcerpt(error.stack)}` : ''),
    );
    if (!fatal || !node.alive) return;
    if (this.options.policy === 'stop') this.stop(`node ${node.nodeId} threw in ${where} at ${this.now} ms: ${message}`);
    else this.options.crashNode(node.nodeId, `error in ${where}`);
  }

  private unhandledRejection(reason: unknown): void {
    const culprit = this.current ?? this.lastRan;
    const where = 'an async continuation (unhandled promise rejection)';
    if (culprit !== null) this.nodeError(culprit, where, reason, true);
    else this.stop(`unhandled promise rejection in node or tester code: ${messageOf(reason)}`);
  }
}

export function messageOf(error: unknown): string {
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
