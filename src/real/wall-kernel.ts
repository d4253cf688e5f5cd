/**
 * The simulator's kernel driven by the wall clock: real mode's `Clock`, `NodeCodeRunner` and
 * `TraceSink`. Node code runs exactly as in a world (same timers, same RxJS scheduler, same
 * error attribution and microtask drain), but "virtual" time is pinned to the milliseconds
 * elapsed since the process started: a pump advances the kernel to the wall clock whenever
 * something is due (a timer, or an envelope that arrived from a socket).
 */
import { Kernel, type KernelOptions } from '../runtime/kernel';
import type { QueueEntry } from '../runtime/event-queue';
import type { TraceEventInput } from '../runtime/trace-event';
import { limits } from '../runtime/limits';

export interface WallKernelOptions {
  /** Seeds the node's `ctx.random()` (real runs are not reproducible, but draws stay seeded). */
  readonly seed: number;
  /** Every trace event as it happens (node logs, roles, errors); real mode keeps no trace in memory. */
  readonly onEvent: (event: TraceEventInput, atMs: number) => void;
  /** Called once when node code threw under the `stop` policy (the node process then exits). */
  readonly onStop: (reason: string) => void;
}

/** Trace events kept in memory in real mode: only a short tail, the rest goes to `onEvent` (the node's log). */
const realTraceEventsKeptMax = 1_000;

export class WallKernel extends Kernel {
  private readonly startedAt = process.hrtime.bigint();
  /** Due times (ms) of everything scheduled and not yet passed, as a min-heap: what the pump must wake for. */
  private readonly dues: number[] = [];
  private wake: NodeJS.Timeout | null = null;
  private wakeAtMs = Infinity;
  private pumping = false;
  private pumpAgain = false;
  private closed = false;

  constructor(private readonly wallOptions: WallKernelOptions) {
    super(kernelOptions(wallOptions));
  }

  /** Milliseconds since this process's kernel started (the clock node code sees). */
  wallMs(): number {
    return Number(process.hrtime.bigint() - this.startedAt) / 1e6;
  }

  override at(atMs: number, run: () => void): QueueEntry {
    const entry = super.at(atMs, run);
    if (!this.closed) this.due(atMs);
    return entry;
  }

  override record(event: TraceEventInput): void {
    this.wallOptions.onEvent(event, this.nowMs());
    super.record(event);
  }

  override stop(reason: string): void {
    const first = this.stopped === null;
    super.stop(reason);
    if (first) this.wallOptions.onStop(reason);
  }

  /**
   * Runs `run` (delivering an envelope that arrived, a control command, tester work) as soon as
   * possible, inside the kernel, stamped with the wall clock: whatever it schedules is timed
   * from now, not from the last pump. Code outside the kernel must enter it this way.
   */
  soon(run: () => void): void {
    this.at(Math.max(this.nowMs(), this.wallMs()), run);
  }

  /** Stops pumping: nothing scheduled runs any more (process shutdown). */
  close(): void {
    this.closed = true;
    if (this.wake !== null) clearTimeout(this.wake);
    this.wake = null;
  }

  private due(atMs: number): void {
    pushHeap(this.dues, atMs);
    if (atMs < this.wakeAtMs) this.arm(atMs);
  }

  private arm(atMs: number): void {
    if (this.wake !== null) clearTimeout(this.wake);
    this.wakeAtMs = atMs;
    // tidy: allowed (real mode is the wall clock)
    this.wake = setTimeout(() => void this.pump(), Math.max(0, atMs - this.wallMs()));
  }

  private async pump(): Promise<void> {
    this.wake = null;
    this.wakeAtMs = Infinity;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        await this.advance(this.wallMs(), null);
      } while (this.pumpAgain && !this.closed && this.stopped === null);
    } finally {
      this.pumping = false;
    }
    const nowMs = this.nowMs();
    while (this.dues.length > 0 && (this.dues[0] as number) <= nowMs) popHeap(this.dues);
    const next = this.dues[0];
    if (next !== undefined && !this.closed && this.stopped === null) this.arm(next);
  }
}

function kernelOptions(options: WallKernelOptions): KernelOptions {
  return {
    seed: options.seed,
    policy: 'stop',
    traceTimers: false,
    eventsMax: limits.eventsMax,
    virtualMsMax: limits.virtualMsMax,
    traceEventsKeptMax: realTraceEventsKeptMax,
    reporter: null,
    crashNode: () => {},
  };
}

function pushHeap(heap: number[], value: number): void {
  heap.push(value);
  let index = heap.length - 1;
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if ((heap[parent] as number) <= value) break;
    heap[index] = heap[parent] as number;
    index = parent;
  }
  heap[index] = value;
}

function popHeap(heap: number[]): void {
  const last = heap.pop() as number;
  if (heap.length === 0) return;
  let index = 0;
  for (;;) {
    const left = 2 * index + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child = right < heap.length && (heap[right] as number) < (heap[left] as number) ? right : left;
    if ((heap[child] as number) >= last) break;
    heap[index] = heap[child] as number;
    index = child;
  }
  heap[index] = last;
}
