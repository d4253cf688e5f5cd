/**
 * distlab/debug: differential replay, shrinking and exploration of lab runs (docs/debugging.md).
 * Notebooks use the `...Runs`/`...Run` helpers with the class they define; the CLI commands
 * `distlab diff|shrink|explore` are built on the same functions.
 */
export { firstDivergence, describeDivergence, nodeOf } from './diff';
export type { Divergence, DiffOptions } from './diff';
export { diffSpec } from './diff-plot';
export type { DiffPlotOptions } from './diff-plot';
export { maskFaults } from './fault-mask';
export type { FaultRecord } from './fault-mask';
export { shrinkFaults, shrinkSummary, failureSignature, describeCounts, faultWindows } from './shrink';
export type { ShrinkOptions, ShrinkProgress, ShrinkResult, ShrinkRun } from './shrink';
export { exploreSchedules, applySchedule, abstractStates, describeAction } from './explore';
export type { ExploreAction, ExploreBounds, ExploreResult, ExploreRun, Schedule, ScheduleStep } from './explore';
export { diffRuns, shrinkRun, exploreRuns, runMasked, runScheduled, labTest } from './lab-runs';
export type { LabRun, DiffRunsResult } from './lab-runs';
