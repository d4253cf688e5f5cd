/**
 * distlab/testing: the lab test harness (scenarios under the course's names, run on seeds).
 */
export { TestFailure, ImplementationError } from './lab';
export type { Lab, LabTest, TestContext, FailureKind } from './lab';
export { runTest } from './run-test';
export type { TestOutcome, RunTestOptions } from './run-test';
