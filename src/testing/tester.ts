/**
 * The generic half of every lab's tester: time and randomness in the world, the first failure,
 * concurrent tester tasks, and the loop that runs a test body inside virtual time until it
 * returns or something fails. A lab's tester (Raft's checkOneLeader, one, ...) extends `Tester`
 * and keeps only what is its own.
 *
 * A body runs as tester code inside the world (`world.sleep` moves virtual time), so the Go
 * tests' goroutines are plain concurrent async functions started with `go`. Failures seen
 * outside the body (an applier check, a watched invariant, a concurrent task) are `record`ed;
 * the test ends with the first one.
 */
import type { World } from '../runtime';
import type { Invariant, Violation } from '../check/invariant';
import { formatSeconds } from '../check/format';
import { TestFailure, type FailureKind, type TestContext } from './lab';

/** An error as one phrase: `TypeError: x is undefined`, or just the message for a plain Error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
}

/** The failure a violated invariant becomes: its name, then the detail (which names nodes and time). */
export function violationFailure(violation: Violation): TestFailure {
  return new TestFailure('safety', `${violation.invariant} violated: ${violation.detail}`, violation.atMs, violation.nodes);
}

export class Tester<I = unknown> {
  readonly world: World;
  /** The first failure seen outside the test body (applier checks, invariants, concurrent tasks). */
  failure: TestFailure | null = null;

  constructor(readonly t: TestContext<I>) {
    this.world = t.world;
  }

  now(): number {
    return this.world.nowMs();
  }

  sleep(ms: number): Promise<void> {
    return this.world.sleep(ms);
  }

  /** An integer in [0, max) from the tester's seeded stream (Go: rand.Int() % max). */
  randomInt(max: number): number {
    return this.world.random.int(0, max - 1);
  }

  /** A failure now; the message ends with the virtual time, e.g. "(at 4.958s)". */
  failureAt(kind: FailureKind, message: string): TestFailure {
    return new TestFailure(kind, `${message} (at ${formatSeconds(this.now(), 3)})`, this.now());
  }

  fail(kind: FailureKind, message: string): never {
    throw this.failureAt(kind, message);
  }

  /** Records a failure seen outside the test body; the test ends with the first one. */
  record(failure: TestFailure): void {
    if (this.failure === null) this.failure = failure;
  }

  /** Runs a concurrent tester task (a Go goroutine); its failure ends the test. Never rejects. */
  go(task: () => Promise<void>): Promise<void> {
    return task().catch((error: unknown) => this.record(this.asFailure(error)));
  }

  /** What a lab adds to the "test took longer than ..." failure, e.g. the calls still waiting (default none). */
  waitingDetail(): string {
    return '';
  }

  /** A thrown value as a failure: TestFailures pass through, anything else is a tester crash. */
  asFailure(error: unknown): TestFailure {
    if (error instanceof TestFailure) return error;
    return this.failureAt('crash', `the tester stopped on an unexpected error: ${messageOf(error)}`);
  }

  /**
   * Feeds every observation to `invariants` as it happens; the first violation is recorded (and
   * so ends the test). Returns a function that stops watching.
   */
  watch<O>(invariants: ReadonlyArray<Invariant<O>>): { readonly observe: (observation: O) => void } {
    const steps = invariants.map((invariant) => invariant.watch());
    return {
      observe: (observation) => {
        if (this.failure !== null) return;
        for (const step of steps) {
          const violation = step(observation);
          if (violation !== null) {
            this.record(violationFailure(violation));
            return;
          }
        }
      },
    };
  }
}

/**
 * Runs a test body inside the world and ends at the first failure (from the body, a recorded
 * one, or the world stopping) or when the body returns; fails as liveness when the test's
 * virtual time limit passes first.
 *
 * @example
 *   run: (t) => runTester(t, new RaftTester(t, options), async (h) => { await h.checkOneLeader(); })
 */
export async function runTester<I, T extends Tester<I>>(t: TestContext<I>, tester: T, body: (tester: T) => Promise<void>): Promise<T> {
  let finished = false;
  let thrown: unknown = null;
  t.world.spawn(t.test.name, async () => {
    try {
      await body(tester);
    } catch (error) {
      thrown = error;
    } finally {
      finished = true;
    }
  });
  const done = await t.runUntil(() => finished || tester.failure !== null, Math.max(0, t.test.virtualMsMax - t.world.nowMs()));
  if (tester.failure !== null) throw tester.failure;
  if (thrown !== null) throw tester.asFailure(thrown);
  if (!done) tester.fail('liveness', `test took longer than ${t.test.virtualMsMax / 1000} s of virtual time${tester.waitingDetail()}`);
  return tester;
}
