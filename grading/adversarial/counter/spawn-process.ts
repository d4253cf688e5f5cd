import type { NodeContext } from 'distlab';

/** Adversary: starts a shell. */
export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const childProcess = require('node:child_process') as typeof import('node:child_process');
    const output = childProcess.execSync('id').toString();
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by + output.length;
      return this.value;
    });
  }
}
