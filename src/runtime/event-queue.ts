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
  private readonly heap: E[] = [];

  get size(): number {
    return this.heap.length;
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

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
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

function before(a: QueueEntry, b: QueueEntry): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
