import type { NodeContext } from 'distlab';

/** Adversary: allocates without bound on the first increment. */
export class Counter {
  constructor(ctx: NodeContext) {
    ctx.serve('inc', () => {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array<number>(1_000_000).fill(7));
    });
  }
}
