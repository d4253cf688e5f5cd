import type { NodeContext } from 'distlab';

/** Adversary: throws while the module loads. */
throw new Error('boom at import');

export class Counter {
  constructor(ctx: NodeContext) {
    void ctx;
  }
}
