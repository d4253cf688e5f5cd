/**
 * Running the Raft lab's tests from a notebook cell: `runPart('3A', { Raft }, { seeds: 1 })`
 * runs that part's tests against the class defined in the notebook, shows a results table and
 * the plots of the first failing run (or of the last run when all pass), and returns the
 * outcomes. distlab's `runLabTests` does the work; this only names Raft's defaults.
 *
 * The class is an argument (not an import) because re-running a notebook cell makes a new class.
 */
import { runLabTests, type TestOutcome } from 'distlab/testing';
import { raftLab } from './lab';
import type { RaftImplementation } from './types';

export interface RunPartOptions {
  /** Seeds 1..seeds per test. Default 1. */
  readonly seeds?: number;
  /** Only tests whose name matches. */
  readonly run?: RegExp | string;
  /** Also show commit indexes and the messages just before the failure. Default true. */
  readonly morePlots?: boolean;
}

/** Runs one part's tests (3A, 3B, 3C or 3D), shows a table and plots of one run; returns the outcomes. */
export async function runPart(part: string, impl: RaftImplementation, options: RunPartOptions = {}): Promise<TestOutcome[]> {
  return runLabTests(raftLab, raftLab.implementationFrom({ ...impl }), {
    part,
    seeds: options.seeds ?? 1,
    ...(options.run === undefined ? {} : { names: options.run }),
    title: `Raft part ${part}`,
    plots: options.morePlots === false ? 1 : 3,
    replayImpl: 'labs/raft/raft.ipynb',
  });
}
