import type { NodeContext } from 'distlab';

/**
 * Adversary: writes garbage to the grader's channel (file descriptor 3): a frame header
 * announcing 4 GB (a parser that trusts it would buffer until the grader dies). The grader
 * must fail the run saying its channel was interfered with, and stay alive.
 */
declare const require: (name: string) => unknown;
try {
  (require('node:fs') as { writeSync: (fd: number, data: Uint8Array) => number }).writeSync(3, new Uint8Array([0xff, 0xff, 0xff, 0xf0, 0x7b, 0x7b, 0x7b]));
} catch {
  // refused: the channel is out of reach
}

export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    this.value = true ? (ctx.persister.readState<number>() ?? 0) : 0;
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      if (true) ctx.persister.save(this.value, null);
      return this.value;
    });
  }
}
