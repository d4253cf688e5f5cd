import type { NodeContext } from 'distlab';

/** Adversary: a top-level loop that never ends, so the module never finishes loading. */
let spins = 0;
while (spins >= 0) spins = (spins + 1) % 1000;

export class Counter {
  constructor(ctx: NodeContext) {
    void ctx;
  }
}
