/**
 * distlab/testing: the lab test harness (scenarios under the course's names, run on seeds).
 */
export { TestFailure, ImplementationError, failureMarks } from './lab';
export type { Lab, LabTest, TestContext, FailureKind } from './lab';
export { runTest, crashOutcome } from './run-test';
export { Tester, runTester, messageOf, violationFailure } from './tester';
export { ClerkTester, clientFinishMsMax, operationsPerInstantMax, type PendingCall } from './clerk-tester';
export { formatSeconds } from '../check/format';
export type { TestOutcome, RunTestOptions } from './run-test';
export { runTests, selectTests, seedRange, SelectionError } from './sweep';
export type { SweepOptions, TestSelection } from './sweep';
export {
  loadImplementation,
  compileImplementation,
  evaluateImplementation,
  implementationFor,
  implementationCells,
  compileModuleGraph,
  ImplementationLoadError,
} from './load-impl';
export { loadLabSource, labFromExports, LabLoadError } from './lab-source';
export { loadLab, findLabs, LabNotFoundError } from './labs';
export type { LoadedLab } from './labs';
export { packageRoot, runningFromSource } from './package-root';
export type { LabSource } from './lab-source';
export { evaluateGraph, preloadDistlab, withExitGuard, ExitAttemptError, describeError } from './module-graph';
export type { CompiledGraph } from './module-graph';
export type { LoadOptions, LoadedImplementation, CompiledImplementation, LoadProblem } from './load-impl';
export { cellRole, excludedCellRoles } from './notebook-cells';
export { fromLab, findLabFile, prepareFromLab } from './from-lab';
export type { FromLabOptions, LabClass, LoadedLabClass } from './from-lab';
export { runTestsIsolated, IsolationError } from './isolate';
export type { IsolateOptions, IsolatedRunRequest, PlannedRun } from './isolate';
export { passLine, failureBlock, replayCommand, summarize, summaryTable, outcomeJson, formatCount } from './report';
export type { ReplayTarget, PartSummary } from './report';
export { runLabTests } from './notebook';
export type { RunLabTestsOptions } from './notebook';
