import type { NodeContext } from 'distlab';

/**
 * Adversary: floods standard output and error (60 MB at import, more in every handler), then
 * behaves as the forgetful counter. The grader must keep its own memory and results.json
 * small, and grade the honest part (7 points).
 */
const line = `${'flood '.repeat(170)}\n`;
for (let index = 0; index < 60_000; index++) process.stdout.write(line);
for (let index = 0; index < 1_000; index++) process.stderr.write(line);

export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      for (let index = 0; index < 100; index++) console.log(line);
      return this.value;
    });
  }
}
