/**
 * Running the shardkv lab's tests from a notebook cell: `runPart('5A', { ...classes })` runs that
 * part's tests against the classes and functions defined in the notebook (and your labs 2-4 from
 * `fromLab`), shows the results table, then the shard-ownership picture of one run: the first
 * failing one, or the last.
 *
 * This file imports nothing of the tester: tslab compiles only the `.ts` files under the
 * notebook's folder, and the tester imports lab 2's and lab 4's testers from their folders. It
 * finds the built lab at run time instead (`loadLab`, as `distlab test` does), so run
 * `npm run build` once after cloning.
 *
 * Example (a test cell of shardkv.ipynb):
 * ```ts
 * // distlab: test
 * await runPart('5A', { KVServer: KVServer, KVClerk: KVClerk, Raft: Raft, RSM: RSM, makeShardConfig: makeShardConfig, ... });
 * ```
 */
import { loadLab, prepareFromLab, runLabTests, type Lab } from 'distlab/testing';
import type { ShardkvImplementation } from './types';

export interface RunPartOptions {
  /** Seeds 1..seeds per test. Default 1. */
  readonly seeds?: number;
  /**
   * Only tests with this exact name, else matching this regular expression. Default: every test
   * of the part, or the environment's DISTLAB_NOTEBOOK_TESTS (CI runs the notebooks with a few).
   */
  readonly run?: string;
}

/**
 * Runs one part's tests ('5A', '5B' or '5C'), shows a table and the ownership picture of one run.
 * A failing test never throws: the table says what failed. Returns nothing, so that the cell
 * does not print every outcome after the table.
 */
export async function runPart(part: string, impl: Partial<ShardkvImplementation>, options: RunPartOptions = {}): Promise<void> {
  const lab = (await loadLab({ name: 'shardkv' })).lab as Lab<ShardkvImplementation>;
  if (!lab.parts.includes(part)) throw new Error(`runPart: unknown part ${JSON.stringify(part)}; the parts are ${lab.parts.join(', ')}`);
  // Your earlier labs compile here, so a broken one fails this cell with its sentence.
  await prepareFromLab(Object.values(impl));
  const implementation = lab.implementationFrom(impl);
  const names = options.run ?? process.env.DISTLAB_NOTEBOOK_TESTS;
  await runLabTests(lab, implementation, {
    part,
    seeds: options.seeds ?? 1,
    ...(names === undefined || names === '' ? {} : { names }),
    title: `shardkv part ${part}`,
    plots: 1,
    replayImpl: 'labs/shardkv/shardkv.ipynb',
  });
}
