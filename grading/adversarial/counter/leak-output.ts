import type { NodeContext } from 'distlab';

/**
 * Adversary: the forgetful counter, which in the hidden scenario only (it restarts) prints
 * what it learned about the scenario on standard output and standard error and in its log,
 * hoping the grader copies a hidden run's output into results.json.
 */
export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    if (ctx.incarnation > 0) {
      const secret = `LEAKED-OUTPUT restarted at ${ctx.now()} ms as incarnation ${ctx.incarnation}`;
      console.log(secret);
      console.error(secret);
      ctx.log(secret);
    }
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      return this.value;
    });
  }
}
