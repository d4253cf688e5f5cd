import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, type QueueEntry } from '../src/runtime/event-queue';

function entry(atMs: number, seq: number): QueueEntry & { id: string } {
  return { atMs, seq, cancelled: false, run() {}, id: `${atMs}/${seq}` };
}

describe('Event queue', () => {
  it('EventQueue: pops live entries in (time, sequence) order, with cancellations and compaction (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 5_000 }), (specs) => {
        const queue = new EventQueue<ReturnType<typeof entry>>();
        const entries = specs.map(([atMs], seq) => entry(atMs, seq));
        entries.forEach((item) => queue.push(item));
        specs.forEach(([, cancel], index) => cancel && queue.cancel(entries[index]!));
        const expected = entries
          .filter((item) => !item.cancelled)
          .sort((a, b) => a.atMs - b.atMs || a.seq - b.seq)
          .map((item) => item.id);
        expect(queue.size).toBe(expected.length);
        const popped: string[] = [];
        for (let item = queue.pop(); item !== undefined; item = queue.pop()) popped.push(item.id);
        expect(popped).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
