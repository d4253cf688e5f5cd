import type { NodeContext } from 'distlab';

/** Adversary: an RPC handler that never returns. */
export class Counter {
  constructor(ctx: NodeContext) {
    ctx.serve('inc', () => {
      for (;;) {
        // spin
      }
    });
  }
}
