import * as fs from 'node:fs';
import type { NodeContext } from 'distlab';

/**
 * Adversary: reads the hidden tests and the reference solution from disk. The grading test
 * writes the checkout's path in place of __GRADING_ROOT__. If a read succeeds, the file's text
 * becomes the counter's answers, which are then wrong; if every read is refused, the error is
 * the answer. Either way: no credit, and the output says what was refused.
 */
const targets = ['__GRADING_ROOT__/grading/fixtures/counter/hidden.ts', '__GRADING_ROOT__/grading/config/raft.json', '__GRADING_ROOT__/grading/solutions/raft/raft.ts', '__GRADING_ROOT__/dist/grading/hidden/raft/index.js', '/proc/self/cmdline'];
const found: string[] = [];
for (const target of targets) {
  try {
    found.push(`READ ${target}: ${fs.readFileSync(target, 'utf8').slice(0, 40)}`);
  } catch (error) {
    found.push(`refused ${target}: ${(error as { code?: string }).code ?? String(error)}`);
  }
}

export class Counter {
  constructor(ctx: NodeContext) {
    ctx.serve('inc', () => {
      throw new Error(found.join('; '));
    });
  }
}
