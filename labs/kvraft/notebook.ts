/**
 * Running the kvraft lab's tests from a notebook cell: `runPart('4A', { Raft: Raft, RSM: RSM })`
 * runs that part's tests against the classes defined in the notebook (Raft being your lab-3
 * Raft from `lab3Raft`), shows the results table, then the plots of one run: the first failing
 * one, or a representative passing one.
 *
 * The classes are arguments (not imports) because re-running a notebook cell makes a new class.
 */
import { show } from 'distlab/plot';
import { runLabTests, runTest, type TestOutcome } from 'distlab/testing';
import { prepareLab3Raft } from './lab3';
import { kvraftLab } from './lab';
import type { KvraftImplementation } from './types';

export interface RunPartOptions {
  /** Seeds 1..seeds per test. Default 1. */
  readonly seeds?: number;
  /** Only tests with this exact name, else matching this regular expression. */
  readonly run?: string;
}

/** The run whose plots a part shows when every test passed. */
const shownWhenPassing: Readonly<Record<string, string>> = { '4A': 'TestLeaderPartition4A', '4B': 'TestPersistPartitionUnreliable4B', '4C': 'TestSnapshotUnreliableRecoverConcurrentPartition4C' };

/**
 * Runs one part's tests ('4A', '4B' or '4C'), shows a table and the plots of one run; returns
 * the outcomes. Part 4A needs `Raft` and `RSM`; 4B and 4C also `KVServer` and `Clerk`.
 */
export async function runPart(part: string, impl: Partial<KvraftImplementation>, options: RunPartOptions = {}): Promise<TestOutcome[]> {
  if (!kvraftLab.parts.includes(part)) throw new Error(`unknown part ${part}; the parts are ${kvraftLab.parts.join(', ')}`);
  await prepareLab3Raft(impl.Raft);
  const implementation = kvraftLab.implementationFrom(impl);
  const outcomes = await runLabTests(kvraftLab, implementation, {
    part,
    seeds: options.seeds ?? 1,
    ...(options.run === undefined ? {} : { names: options.run }),
    title: `kvraft part ${part}`,
  });
  const chosen = outcomes.find((outcome) => !outcome.passed) ?? outcomes.find((outcome) => outcome.name === shownWhenPassing[part]) ?? outcomes.at(-1);
  if (chosen !== undefined) await showRun(chosen, implementation);
  return outcomes;
}

/** Runs the chosen test and seed again (same seed, same run) and shows its plots. */
async function showRun(outcome: TestOutcome, implementation: KvraftImplementation): Promise<void> {
  const test = kvraftLab.tests.find((candidate) => candidate.name === outcome.name);
  if (test === undefined) return;
  const { world, failure } = await runTest(kvraftLab, test, implementation, outcome.seed);
  const what = outcome.passed ? 'passed' : `failed: ${outcome.failure}`;
  process.stdout.write(`${outcome.name} (seed ${outcome.seed}) ${what}\nreplay: npx distlab replay kvraft ${outcome.name} --seed ${outcome.seed} --impl labs/kvraft/kvraft.ipynb --out replay-${outcome.name}\n`);
  for (const plot of kvraftLab.plots?.(world, failure) ?? []) await show(plot.spec as Parameters<typeof show>[0]);
}
