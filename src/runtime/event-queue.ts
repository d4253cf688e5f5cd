/**
 * The world's agenda: a binary min-heap of entries ordered by virtual time, ties broken by
 * insertion sequence (never by identity or hash), so equal-time events run in the order they
 * were scheduled.
 */
export interface QueueEntry {
  readonly atMs: number;
  readonly seq: number;
  /** Set when the owner cancels; the world skips cancelled entries when it pops them. */
  cancelled: boolean;
  run(): void;
}

export class EventQueue<E extends QueueEntry> {
  private heap: E[] = [];
  /** Cancelled entries still in the heap; compacted away when they outnumber live ones. */
  private cancelledCount = 0;

  get size(): number {
    return this.heap.length - this.cancelledCount;
  }

  /**
   * Cancels an entry. Cancelled entries are skipped when popped and compacted away once they are
   * the majority, so memory stays bounded by live entries even when a timer is re-armed
   * millions of times at one virtual instant.
   */
  cancel(entry: E): void {
    if (entry.cancelled) return;
    entry.cancelled = true;
    this.cancelledCount++;
    if (this.cancelledCount > compactionFloor && this.cancelledCount * 2 > this.heap.length) this.compact();
  }

  push(entry: E): void {
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(entry, heap[parent] as E)) break;
      heap[index] = heap[parent] as E;
      index = parent;
    }
    heap[index] = entry;
  }

  /** Pops the earliest live entry, skipping cancelled ones. */
  pop(): E | undefined {
    for (;;) {
      const top = this.popAny();
      if (top === undefined || !top.cancelled) return top;
      this.cancelledCount--;
    }
  }

  /** The earliest live entry, without removing it. */
  peek(): E | undefined {
    while (this.heap.length > 0 && (this.heap[0] as E).cancelled) {
      this.popAny();
      this.cancelledCount--;
    }
    return this.heap[0];
  }

  private compact(): void {
    const live = this.heap.filter((entry) => !entry.cancelled);
    live.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    // A sorted array is a valid binary min-heap.
    this.heap = live;
    this.cancelledCount = 0;
  }

  private popAny(): E | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let index = 0;
    const length = heap.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && before(heap[right] as E, heap[left] as E) ? right : left;
      if (!before(heap[child] as E, last)) break;
      heap[index] = heap[child] as E;
      index = child;
    }
    heap[index] = last;
    return top;
  }
}

/** Below this many cancelled entries compaction is not worth a pass over the heap. */
const compactionFloor = 1_024;

function before(a: QueueEntry, b: QueueEntry): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
