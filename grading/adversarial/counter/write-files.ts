import * as fs from 'node:fs';
import type { NodeContext } from 'distlab';

/**
 * Adversary: writes files (to leave notes between runs, or to plant a symlink to read through).
 * Every attempt's result becomes the answer, so the output shows what was refused.
 */
const attempts: Array<[string, () => void]> = [
  ['write in the working folder', () => fs.writeFileSync('note.txt', 'x')],
  ['write in /tmp', () => fs.writeFileSync('/tmp/distlab-adversary-note.txt', 'x')],
  ['symlink to the checkout', () => fs.symlinkSync('__GRADING_ROOT__/grading', 'grading-link')],
];
const results = attempts.map(([what, attempt]) => {
  try {
    attempt();
    return `DONE ${what}`;
  } catch (error) {
    return `refused ${what}: ${(error as { code?: string }).code ?? String(error)}`;
  }
});

export class Counter {
  constructor(ctx: NodeContext) {
    ctx.serve('inc', () => {
      throw new Error(results.join('; '));
    });
  }
}
