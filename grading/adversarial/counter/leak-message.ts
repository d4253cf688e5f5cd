import type { NodeContext } from 'distlab';

/**
 * Adversary: an honest counter that forgets on restart (fails the hidden test), and on a
 * restart, which only the hidden scenario does, throws a message carrying whatever it could
 * gather, hoping the grader copies the hidden test's failure sentence into results.json.
 */
export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    if (ctx.incarnation > 0) throw new Error(`LEAKED-SCENARIO: restarted at ${ctx.now()} ms as incarnation ${ctx.incarnation}`);
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      ctx.log(`LEAKED-LOG value ${this.value}`);
      return this.value;
    });
  }
}
