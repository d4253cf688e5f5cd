import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { UsageError } from './errors';

/** What a node scheduler needs from its owner (the node's incarnation). */
export interface TimerHost {
  readonly nodeId: string;
  nowMs(): number;
  /** Schedules `fire` after `delayMs`; returns a handle to cancel it. */
  addTimer(delayMs: number, fire: () => void): TimerHandle;
}

export interface TimerHandle {
  cancel(): void;
}

/**
 * An RxJS `SchedulerLike` on the world's virtual time, one per node incarnation, so that
 * `timer`, `delay`, `timeout`, `debounceTime` and `switchMap` run unchanged in simulation.
 * A crash cancels every action it scheduled. Ties are broken by the world's sequence number.
 */
export class VirtualScheduler implements SchedulerLike {
  constructor(private readonly host: TimerHost) {}

  now(): number {
    return this.host.nowMs();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new VirtualAction<T>(this.host, work).schedule(state, delay);
  }
}

/** One scheduled unit of work; it may reschedule itself (as `interval` and `timer(a, b)` do). */
class VirtualAction<T> extends Subscription implements SchedulerAction<T> {
  private handle: TimerHandle | null = null;

  constructor(
    private readonly host: TimerHost,
    private readonly work: (this: SchedulerAction<T>, state?: T) => void,
  ) {
    super();
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    if (!(delay >= 0) || !Number.isFinite(delay)) {
      throw new UsageError(
        `node ${this.host.nodeId} scheduled work with delay ${delay} ms; delays must be finite and non-negative`,
      );
    }
    this.handle?.cancel();
    this.handle = this.host.addTimer(delay, () => {
      this.handle = null;
      if (!this.closed) this.work.call(this, state);
    });
    return this;
  }

  override unsubscribe(): void {
    if (this.closed) return;
    this.handle?.cancel();
    this.handle = null;
    super.unsubscribe();
  }
}
