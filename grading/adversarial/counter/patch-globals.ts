import type { NodeContext } from 'distlab';
import * as testing from 'distlab/testing';
import { World } from 'distlab';

/**
 * Adversary: a counter that forgets on restart (fails the hidden test), which first tries to
 * make every check pass by patching the intrinsics, the runtime and the test harness. Each
 * patch attempt is caught so the module still loads: the grader must give it exactly the
 * credit of the honest forgetful counter.
 */
const attempts: Array<() => void> = [
  () => {
    (Array.prototype as unknown as Record<string, unknown>).every = () => true;
  },
  () => {
    Object.defineProperty(Array.prototype, 'some', { value: () => false });
  },
  () => {
    (testing as unknown as Record<string, unknown>).runTest = async () => ({ outcome: { passed: true } });
  },
  () => {
    (World.prototype as unknown as Record<string, unknown>).runUntil = async () => true;
  },
  () => {
    (testing.TestFailure.prototype as unknown as Record<string, unknown>).kind = 'pass';
  },
  () => {
    (JSON as unknown as Record<string, unknown>).stringify = () => '{}';
  },
  () => {
    (Promise.prototype as unknown as Record<string, unknown>).then = function then(this: unknown) {
      return this;
    };
  },
  () => {
    (Object.prototype as unknown as Record<string, unknown>).passed = true;
  },
];
export const refused = attempts.filter((attempt) => {
  try {
    attempt();
    return false;
  } catch {
    return true;
  }
}).length;

export class Counter {
  private value = 0;
  constructor(ctx: NodeContext) {
    ctx.serve('inc', (args: { by: number }) => {
      this.value += args.by;
      return this.value;
    });
  }
}
