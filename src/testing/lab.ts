import type { World } from '../runtime/world';
import type { WorldOptions } from '../runtime/world-options';
import type { NodeSurface } from '../sandbox/surface';
import type { TimeMark } from '../plot/marks';

/**
 * How a lab plugs into distlab's test runner, CLI (`distlab test|replay <lab>`), notebooks and
 * grader. A lab is data: its tests are scenarios under the course's names, verbatim.
 *
 * `I` is what the tests exercise: for Raft, the Raft class; for MapReduce, the coordinator and
 * worker classes and so on. Tests take it as an argument (never import it) because a notebook
 * cell that redefines a class makes a new constructor.
 */
export interface Lab<I> {
  /** Lab id used on the command line, e.g. `raft`. */
  readonly name: string;
  readonly title: string;
  /** Parts in order, e.g. ['3A', '3B', '3C', '3D']. */
  readonly parts: readonly string[];
  readonly tests: readonly LabTest<I>[];
  /**
   * Picks the implementation out of a loaded module's exports (a `.ts` file or the
   * implementation cells of a notebook). Throws `ImplementationError` naming what is missing.
   */
  implementationFrom(exports: Readonly<Record<string, unknown>>): I;
  /**
   * The student skeleton, relative to the lab's folder (e.g. `raft.ts`): what `distlab test
   * <lab>` runs when no `--impl` is given. Default: `<name>.ts`, when that file exists.
   */
  readonly skeleton?: string;
  /**
   * What the tests use of a node object (classes, methods, streams), as data. With it the grader
   * runs a submission in a separate isolate behind a bridge (src/sandbox) instead of beside the
   * tests; without it, in the grading worker's own isolate.
   */
  readonly surface?: NodeSurface;
  /** Plots worth drawing for a run of this lab (replay --out, grader reports, notebooks). */
  plots?(world: World, failure: TestFailure | null): Array<{ readonly title: string; readonly spec: object }>;
}

/** One test scenario, under the course's name (e.g. TestFigure8Unreliable3C). */
export interface LabTest<I> {
  readonly name: string;
  readonly part: string;
  /** One sentence: what it checks. */
  readonly description: string;
  /** World options besides the seed (network faults, limits). */
  readonly world?: Omit<WorldOptions, 'seed' | 'reporter'>;
  /** Virtual time after which the test fails as too slow (the course's 120 s limit). */
  readonly virtualMsMax: number;
  run(t: TestContext<I>): Promise<void>;
}

/** What a verdict says went wrong. */
export type FailureKind =
  /** A safety property broke (two leaders in a term, conflicting commits, bad output). */
  | 'safety'
  /** Something that should have happened did not, in time (no leader, no commit). */
  | 'liveness'
  /** Node code threw, the world stopped, or the implementation could not be used. */
  | 'crash';

export class TestFailure extends Error {
  override readonly name = 'TestFailure';
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** Virtual time of the failure. */
    readonly atMs: number,
    /** The nodes it concerns, when known (a violated invariant names them); plots mark their lanes. */
    readonly nodes: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * What a failure puts on a lab's time-axis plots: a red line at its time, with its sentence,
 * and a marker on the lane of each node it names (a violated invariant names them).
 *
 * @example
 *   nodeTimelineSpec(world.trace.events, { nodes, toMs, marks: failureMarks(failure) })
 */
export function failureMarks(failure: TestFailure | null): TimeMark[] {
  if (failure === null) return [];
  return [{ atMs: failure.atMs, label: `FAILED (${failure.kind}): ${failure.message}`, ...(failure.nodes.length === 0 ? {} : { nodes: failure.nodes }) }];
}

/** A submission that does not provide what the lab needs (missing export, wrong shape). */
export class ImplementationError extends Error {
  override readonly name = 'ImplementationError';
}

/** What a test sees while it runs. */
export interface TestContext<I> {
  readonly world: World;
  readonly impl: I;
  readonly seed: number;
  readonly test: LabTest<I>;
  /** Fails the test now with one sentence saying what was violated. */
  fail(kind: FailureKind, message: string): never;
  /** Fails with `kind` unless `condition` holds. */
  check(condition: unknown, kind: FailureKind, message: string): asserts condition;
  /** Runs the world for `ms` virtual ms; fails as 'crash' if the world stopped. */
  runFor(ms: number): Promise<void>;
  /** Runs until `predicate` holds or `timeoutMs` passes; fails as 'crash' if the world stopped. */
  runUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean>;
  /** Counts operations (commands, client ops) for the pass line. */
  countOps(count: number): void;
  /** A line for the test's report (shown with --verbose and in the grader's output). */
  log(message: string): void;
}
