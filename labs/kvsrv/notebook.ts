/**
 * Running the kvsrv lab's tests from a notebook cell: `runPart('kv', { KVServer: KVServer,
 * Clerk: Clerk, Lock: Lock })` runs that part's tests against the classes defined in the
 * notebook, shows the results table, then the plots of one run: the first failing one, or a
 * representative passing one (the unreliable-network test of the part).
 *
 * The classes are arguments (not imports) because re-running a notebook cell makes a new class.
 */
import { show } from 'distlab/plot';
import { runLabTests, runTest, type TestOutcome } from 'distlab/testing';
import { kvsrvLab } from './lab';
import type { KvsrvImplementation } from './types';

export interface RunPartOptions {
  /** Seeds 1..seeds per test. Default 1. */
  readonly seeds?: number;
  /** Only tests with this exact name, else matching this regular expression. */
  readonly run?: string;
}

/** The run whose plots a part shows when every test passed. */
const shownWhenPassing: Readonly<Record<string, string>> = { kv: 'TestUnreliableNet', lock: 'TestManyClientsUnreliable' };

/** Stands in for the Lock while part kv is tested before the notebook's Lock cell has run. */
class LockNotDefinedYet {
  acquire(): Promise<void> {
    throw new Error('no Lock was passed to runPart: pass { KVServer: KVServer, Clerk: Clerk, Lock: Lock } once the Lock cell has run');
  }

  release(): Promise<void> {
    return this.acquire();
  }
}

/**
 * Runs one part's tests ('kv' or 'lock'), shows a table and the plots of one run; returns the
 * outcomes. Part kv needs only `KVServer` and `Clerk` (the Lock cell comes later in the notebook).
 */
export async function runPart(part: string, impl: Partial<KvsrvImplementation>, options: RunPartOptions = {}): Promise<TestOutcome[]> {
  if (!kvsrvLab.parts.includes(part)) throw new Error(`unknown part ${part}; the parts are ${kvsrvLab.parts.join(', ')}`);
  const implementation = kvsrvLab.implementationFrom({ Lock: LockNotDefinedYet, ...impl });
  const outcomes = await runLabTests(kvsrvLab, implementation, {
    part,
    seeds: options.seeds ?? 1,
    ...(options.run === undefined ? {} : { names: options.run }),
    title: `kvsrv part ${part}`,
  });
  const chosen = outcomes.find((outcome) => !outcome.passed) ?? outcomes.find((outcome) => outcome.name === shownWhenPassing[part]) ?? outcomes.at(-1);
  if (chosen !== undefined) await showRun(chosen, implementation);
  return outcomes;
}

/** Runs the chosen test and seed again (same seed, same run) and shows its plots. */
async function showRun(outcome: TestOutcome, implementation: KvsrvImplementation): Promise<void> {
  const test = kvsrvLab.tests.find((candidate) => candidate.name === outcome.name);
  if (test === undefined) return;
  const { world, failure } = await runTest(kvsrvLab, test, implementation, outcome.seed);
  const what = outcome.passed ? 'passed' : `failed: ${outcome.failure}`;
  process.stdout.write(`${outcome.name} (seed ${outcome.seed}) ${what}\nreplay: npx distlab replay kvsrv ${outcome.name} --seed ${outcome.seed} --impl labs/kvsrv/kvsrv.ipynb --out replay-${outcome.name}\n`);
  for (const plot of kvsrvLab.plots?.(world, failure) ?? []) await show(plot.spec as Parameters<typeof show>[0]);
}
