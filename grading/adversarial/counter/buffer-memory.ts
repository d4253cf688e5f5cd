import type { NodeContext } from 'distlab';

/**
 * Adversary: allocates 1.5 GB of Buffers at import (issue 17: Buffer memory is not bounded by
 * the heap limit; a worker reached 2.1 GB against 512 MB). If it gets them all, the counter
 * persists and would earn full marks; stopped by the memory limit, it is the forgetful
 * counter (7 points) or a run that ran out of memory.
 */
const hoard: Uint8Array[] = [];
let megabytes = 0;
try {
  while (megabytes < 1536) {
    hoard.push(new Uint8Array(32 * 1024 * 1024).fill(1));
    megabytes += 32;
  }
} catch {
  // refused by the memory limit
}
hoard.length = 0;
export const got = megabytes;

export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    this.value = got >= 1536 ? (ctx.persister.readState<number>() ?? 0) : 0;
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      if (got >= 1536) ctx.persister.save(this.value, null);
      return this.value;
    });
  }
}
