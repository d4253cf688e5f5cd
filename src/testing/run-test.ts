import { World } from '../runtime/world';
import { TestFailure, type FailureKind, type Lab, type LabTest, type TestContext } from './lab';

/** The result of one test on one seed; `--json` prints exactly this (minus `log`). */
export interface TestOutcome {
  readonly lab: string;
  readonly name: string;
  readonly part: string;
  readonly seed: number;
  readonly passed: boolean;
  readonly kind: 'pass' | FailureKind;
  /** Virtual time the test took, in ms. */
  readonly virtualMs: number;
  /** Wall-clock time the test took, in ms (the only wall-clock reading, outside the world). */
  readonly wallMs: number;
  readonly peers: number;
  readonly rpcs: number;
  readonly bytes: number;
  readonly ops: number;
  readonly traceHash: string;
  readonly events: number;
  /** One sentence, when failed. */
  readonly failure?: string;
  /** Virtual time of the failure, in ms, when failed. */
  readonly failureAtMs?: number;
  readonly log: readonly string[];
}

export interface RunTestOptions {
  /** Where node errors are printed while the test runs; default: collected into the outcome log only. */
  readonly reporter?: ((line: string) => void) | null;
  /**
   * Called with the fresh world before the test starts (debugging tools record or mask the
   * fault schedule through it: src/debug/fault-mask.ts). Default: nothing.
   */
  readonly onWorld?: (world: World) => void;
}

/**
 * Runs one lab test on one seed in a fresh world and returns its outcome and the world (whose
 * trace replay and plots read). Never throws for a failing implementation: every failure,
 * including a throw from the implementation, becomes a failed outcome.
 */
export async function runTest<I>(
  lab: Lab<I>,
  test: LabTest<I>,
  impl: I,
  seed: number,
  options: RunTestOptions = {},
): Promise<{ outcome: TestOutcome; world: World; failure: TestFailure | null }> {
  const log: string[] = [];
  const reporter = options.reporter === undefined ? (line: string) => log.push(line) : options.reporter;
  const world = new World({ ...test.world, seed, reporter, virtualMsMax: Math.min(test.virtualMsMax * 2, test.world?.virtualMsMax ?? Infinity) });
  options.onWorld?.(world);
  let ops = 0;
  const stoppedFailure = () => new TestFailure('crash', world.stopped ?? 'the world stopped', world.nowMs());
  const context: TestContext<I> = {
    world,
    impl,
    seed,
    test,
    fail(kind, message) {
      throw new TestFailure(kind, message, world.nowMs());
    },
    check(condition, kind, message) {
      if (!condition) throw new TestFailure(kind, message, world.nowMs());
    },
    async runFor(ms) {
      await world.runFor(ms);
      if (world.stopped !== null) throw stoppedFailure();
      if (world.nowMs() > test.virtualMsMax) throw tooSlow(test, world);
    },
    async runUntil(predicate, timeoutMs) {
      const held = await world.runUntil(predicate, { timeoutMs });
      if (world.stopped !== null) throw stoppedFailure();
      if (world.nowMs() > test.virtualMsMax) throw tooSlow(test, world);
      return held;
    },
    countOps(count) {
      ops += count;
    },
    log(message) {
      log.push(message);
    },
  };
  const started = process.hrtime.bigint();
  let failure: TestFailure | null = null;
  try {
    await test.run(context);
    if (world.stopped !== null) failure = stoppedFailure();
  } catch (error) {
    failure = world.stopped !== null ? stoppedFailure() : asFailure(error, world);
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (failure !== null) world.note(`FAILED (${failure.kind}): ${failure.message}`);
  return { outcome: outcomeOf(lab, test, world, { seed, wallMs, ops, failure, log }), world, failure };
}

/** The outcome record of a finished run, read off the world. */
function outcomeOf<I>(
  lab: Lab<I>,
  test: LabTest<I>,
  world: World,
  run: { seed: number; wallMs: number; ops: number; failure: TestFailure | null; log: readonly string[] },
): TestOutcome {
  const failure = run.failure;
  return {
    lab: lab.name,
    name: test.name,
    part: test.part,
    seed: run.seed,
    passed: failure === null,
    kind: failure === null ? 'pass' : failure.kind,
    virtualMs: world.nowMs(),
    wallMs: run.wallMs,
    peers: world.nodeIds.length,
    rpcs: world.stats.rpcsTotal,
    bytes: world.stats.bytesTotal,
    ops: run.ops,
    traceHash: world.trace.hash(),
    events: world.trace.length,
    ...(failure === null ? {} : { failure: failure.message, failureAtMs: failure.atMs }),
    log: run.log,
  };
}

/**
 * The outcome of a run that never produced one of its own: the implementation could not be
 * loaded, its process died or timed out, or the grader rejected what it reported.
 */
export function crashOutcome(run: {
  readonly lab: string;
  readonly name: string;
  readonly part: string;
  readonly seed: number;
  readonly failure: string;
  readonly wallMs?: number;
  readonly traceHash?: string;
  readonly failureAtMs?: number;
}): TestOutcome {
  return {
    lab: run.lab,
    name: run.name,
    part: run.part,
    seed: run.seed,
    passed: false,
    kind: 'crash',
    virtualMs: 0,
    wallMs: run.wallMs ?? 0,
    peers: 0,
    rpcs: 0,
    bytes: 0,
    ops: 0,
    traceHash: run.traceHash ?? '',
    events: 0,
    failure: run.failure,
    ...(run.failureAtMs === undefined ? {} : { failureAtMs: run.failureAtMs }),
    log: [],
  };
}

function tooSlow<I>(test: LabTest<I>, world: World): TestFailure {
  return new TestFailure('liveness', `test took longer than ${test.virtualMsMax / 1000} s of virtual time`, world.nowMs());
}

function asFailure(error: unknown, world: World): TestFailure {
  if (error instanceof TestFailure) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new TestFailure('crash', `the implementation threw outside a node handler: ${message}`, world.nowMs());
}
