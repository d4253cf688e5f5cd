/**
 * The three debugging tools on a lab test, for notebooks and code (the CLI commands load files
 * and then call these): `diffRuns`, `shrinkRun`, `exploreRuns`. Each takes the lab, the test's
 * name and implementations as values (a notebook passes the class it just defined).
 */
import type { Lab, LabTest } from '../testing/lab';
import { runTest } from '../testing/run-test';
import type { TestOutcome } from '../testing/run-test';
import type { World } from '../runtime/world';
import type { TestFailure } from '../testing/lab';
import { describeDivergence, firstDivergence, type Divergence } from './diff';
import { diffSpec } from './diff-plot';
import type { VegaLiteSpec } from '../plot/render';
import { maskFaults, type FaultRecord } from './fault-mask';
import { shrinkFaults, shrinkSummary, type ShrinkOptions, type ShrinkResult } from './shrink';
import { applySchedule, exploreSchedules, type ExploreBounds, type ExploreResult, type Schedule } from './explore';

/** One run of a lab test, with its world (for plots and replay files). */
export interface LabRun {
  readonly outcome: TestOutcome;
  readonly world: World;
  readonly failure: TestFailure | null;
}

/** The test named exactly `name`, or an error listing what there is. */
export function labTest<I>(lab: Lab<I>, name: string): LabTest<I> {
  const test = lab.tests.find((candidate) => candidate.name === name);
  if (test === undefined) throw new RangeError(`the ${lab.name} lab has no test named ${name}; its tests: ${lab.tests.map((candidate) => candidate.name).join(', ')}`);
  return test;
}

/** One deterministic run applying only the fault actions numbered in `keep` (null: all). */
export async function runMasked<I>(lab: Lab<I>, test: LabTest<I>, impl: I, seed: number, keep: ReadonlySet<number> | null): Promise<LabRun & { faults: readonly FaultRecord[] }> {
  let faults: readonly FaultRecord[] = [];
  const result = await runTest(lab, test, impl, seed, { onWorld: (world) => (faults = maskFaults(world, (ordinal) => keep === null || keep.has(ordinal)).records) });
  return { ...result, faults };
}

/** One deterministic run on the schedule's seed with its network actions. */
export function runScheduled<I>(lab: Lab<I>, test: LabTest<I>, impl: I, schedule: Schedule): Promise<LabRun> {
  return runTest(lab, test, impl, schedule.seed, { onWorld: (world) => applySchedule(world, schedule) });
}

/**
 * What diffRuns returns. A named interface, so that a notebook's `const diffed = await diffRuns(...)`
 * has a type tslab can write in its declarations (an inferred object type would name vega-lite's
 * files by path, which fails when node_modules lies outside the notebook's folder).
 */
export interface DiffRunsResult {
  readonly divergence: Divergence | null;
  readonly lines: string[];
  readonly spec: VegaLiteSpec;
  readonly runs: [LabRun, LabRun];
}

/**
 * Both versions on one seed and where their traces first differ.
 *
 * @example
 * const { lines, spec } = await diffRuns(raftLab, 'TestBackup3B', 3, raftLab.implementationFrom({ Raft: RaftBefore }), raftLab.implementationFrom({ Raft }));
 */
export async function diffRuns<I>(lab: Lab<I>, name: string, seed: number, a: I, b: I, names: readonly [string, string] = ['A', 'B']): Promise<DiffRunsResult> {
  const test = labTest(lab, name);
  const left = await runTest(lab, test, a, seed);
  const right = await runTest(lab, test, b, seed);
  const divergence = firstDivergence(left.world.trace.events, right.world.trace.events);
  return {
    divergence,
    lines: describeDivergence(divergence, names[0], names[1]),
    spec: diffSpec(left.world.trace.events, right.world.trace.events, divergence, names[0], names[1]),
    runs: [left, right],
  };
}

/** Shrinks the fault schedule of a failing run (see shrinkFaults); `summary` is one paragraph. */
export async function shrinkRun<I>(lab: Lab<I>, name: string, seed: number, impl: I, options: ShrinkOptions = {}): Promise<ShrinkResult & { summary: string }> {
  const test = labTest(lab, name);
  const result = await shrinkFaults((keep) => runMasked(lab, test, impl, seed, keep), options);
  return { ...result, summary: shrinkSummary(result) };
}

/** Explores network schedules of one test (see exploreSchedules); nodes default to the test's own. */
export async function exploreRuns<I>(lab: Lab<I>, name: string, impl: I, bounds: Partial<ExploreBounds> = {}): Promise<ExploreResult> {
  const test = labTest(lab, name);
  const nodes = bounds.nodes ?? (await runScheduled(lab, test, impl, { seed: 1, steps: [] })).world.nodeIds;
  const full: ExploreBounds = { nodes, runsMax: bounds.runsMax ?? 200, depth: bounds.depth ?? 8, stepMs: bounds.stepMs ?? 100, seedsMax: bounds.seedsMax ?? 5, seed: bounds.seed ?? 1 };
  return exploreSchedules(async (schedule) => {
    const run = await runScheduled(lab, test, impl, schedule);
    return { outcome: run.outcome, events: run.world.trace.events };
  }, full);
}
