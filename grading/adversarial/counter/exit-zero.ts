import type { NodeContext } from 'distlab';

/** Adversary: ends the process with exit code 0 (a naive grader would read "success"). */
export class Counter {
  constructor(ctx: NodeContext) {
    ctx.serve('inc', () => {
      process.exit(0);
    });
  }
}
