import type { NodeContext } from 'distlab';

/**
 * Adversary (against a lab graded in the worker's own isolate): replaces global bindings the
 * runtime and the checks use (issue 17: `globalThis.Map` could be replaced where `Map` itself
 * was frozen). If any binding can be replaced, the counter persists and would earn full
 * marks; refused, it is the forgetful counter (7 points).
 */
const globals = globalThis as unknown as Record<string, unknown>;
const replaced = ['Map', 'Set', 'Promise', 'JSON', 'Math', 'Array', 'Object', 'Error', 'Reflect', 'Symbol'].filter((name) => {
  const original = globals[name];
  try {
    globals[name] = class Fake {};
    const took = globals[name] !== original;
    if (took) globals[name] = original;
    return took;
  } catch {
    return false;
  }
});
export const replacedCount = replaced.length;

export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    this.value = replacedCount > 0 ? (ctx.persister.readState<number>() ?? 0) : 0;
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      if (replacedCount > 0) ctx.persister.save(this.value, null);
      return this.value;
    });
  }
}
