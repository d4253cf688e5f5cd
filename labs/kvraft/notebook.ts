/**
 * Running the kvraft lab's tests from a notebook cell: `runPart('4A', { Raft: Raft, RSM: RSM })`
 * runs that part's tests against the classes defined in the notebook (Raft being your lab-3
 * Raft from `lab3Raft`), shows the results table, then the plots of one run: the first failing
 * one, or a representative passing one.
 *
 * The classes are arguments (not imports) because re-running a notebook cell makes a new class.
 *
 * The lab itself is found at run time (`loadLab`: the built dist/labs/kvraft, as the CLI finds
 * it), not imported: tslab compiles only the files under the notebook's folder ("not under
 * rootDir"), and the lab's testers use lab 2's history check and plots (labs/kvsrv). So this
 * file, lab3.ts and types.ts are all the student notebook compiles.
 */
import { show } from 'distlab/plot';
import { loadLab, runLabTests, runTest, type Lab, type TestOutcome } from 'distlab/testing';
import { prepareLab3Raft } from './lab3';
import type { KvraftImplementation } from './types';

let loadedLab: Promise<Lab<KvraftImplementation>> | null = null;

/** The kvraft lab, loaded once per kernel. */
function kvraftLab(): Promise<Lab<KvraftImplementation>> {
  loadedLab ??= loadLab({ name: 'kvraft' }).then((loaded) => loaded.lab as Lab<KvraftImplementation>);
  return loadedLab;
}

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
  const lab = await kvraftLab();
  if (!lab.parts.includes(part)) throw new Error(`unknown part ${part}; the parts are ${lab.parts.join(', ')}`);
  await prepareLab3Raft(impl.Raft);
  const implementation = lab.implementationFrom(impl);
  const outcomes = await runLabTests(lab, implementation, {
    part,
    seeds: options.seeds ?? 1,
    ...(options.run === undefined ? {} : { names: options.run }),
    title: `kvraft part ${part}`,
  });
  const chosen = outcomes.find((outcome) => !outcome.passed) ?? outcomes.find((outcome) => outcome.name === shownWhenPassing[part]) ?? outcomes.at(-1);
  if (chosen !== undefined) await showRun(lab, chosen, implementation);
  return outcomes;
}

/** Runs the chosen test and seed again (same seed, same run) and shows its plots. */
async function showRun(lab: Lab<KvraftImplementation>, outcome: TestOutcome, implementation: KvraftImplementation): Promise<void> {
  const test = lab.tests.find((candidate) => candidate.name === outcome.name);
  if (test === undefined) return;
  const { world, failure } = await runTest(lab, test, implementation, outcome.seed);
  const what = outcome.passed ? 'passed' : `failed: ${outcome.failure}`;
  process.stdout.write(`${outcome.name} (seed ${outcome.seed}) ${what}\nreplay: npx distlab replay kvraft ${outcome.name} --seed ${outcome.seed} --impl labs/kvraft/kvraft.ipynb --out replay-${outcome.name}\n`);
  for (const plot of lab.plots?.(world, failure) ?? []) await show(plot.spec as Parameters<typeof show>[0]);
}
