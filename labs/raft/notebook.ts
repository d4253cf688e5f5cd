/**
 * Running the Raft lab's tests from a notebook cell: `runPart('3A', { Raft }, { seeds: 1 })`
 * runs that part's tests against the class defined in the notebook, shows a results table and
 * the role/term timeline of the first failing run (or of the last run when all pass), and
 * returns the outcomes.
 *
 * The class is an argument (not an import) because re-running a notebook cell makes a new class.
 */
import { metricSpec, nodeTimelineSpec, show, showTable, spaceTimeSpec } from 'distlab/plot';
import { runTest, type TestOutcome } from 'distlab/testing';
import type { World } from 'distlab';
import { raftLab, spaceTimeWindowMs } from './lab';
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
  if (!raftLab.parts.includes(part)) throw new Error(`unknown part ${part}; the parts are ${raftLab.parts.join(', ')}`);
  const implementation = raftLab.implementationFrom({ ...impl });
  const seeds = options.seeds ?? 1;
  const pattern = options.run === undefined ? null : new RegExp(options.run);
  const tests = raftLab.tests.filter((test) => test.part === part && (pattern === null || pattern.test(test.name)));
  const outcomes: TestOutcome[] = [];
  let shown: { outcome: TestOutcome; world: World; failureAtMs: number | null } | null = null;
  for (const test of tests) {
    for (let seed = 1; seed <= seeds; seed++) {
      const { outcome, world, failure } = await runTest(raftLab, test, implementation, seed);
      outcomes.push(outcome);
      if (shown === null || shown.outcome.passed) {
        shown = { outcome, world, failureAtMs: failure?.atMs ?? null };
      }
    }
  }
  showTable(outcomes.map(row), { title: `Raft part ${part}: ${outcomes.filter((outcome) => outcome.passed).length}/${outcomes.length} passed` });
  if (shown !== null) await showRun(shown.outcome, shown.world, shown.failureAtMs, options.morePlots ?? true);
  return outcomes;
}

function row(outcome: TestOutcome): Record<string, string | number> {
  return {
    test: outcome.name,
    seed: outcome.seed,
    result: outcome.passed ? 'pass' : `FAIL (${outcome.kind})`,
    'virtual s': Number((outcome.virtualMs / 1000).toFixed(1)),
    'wall ms': Math.round(outcome.wallMs),
    RPCs: outcome.rpcs,
    bytes: outcome.bytes,
    commands: outcome.ops,
    failure: outcome.failure ?? '',
  };
}

async function showRun(outcome: TestOutcome, world: World, failureAtMs: number | null, morePlots: boolean): Promise<void> {
  const events = world.trace.events;
  const endMs = Math.max(1, failureAtMs ?? world.nowMs());
  const what = outcome.passed ? 'passed' : `failed: ${outcome.failure}`;
  process.stdout.write(`${outcome.name} (seed ${outcome.seed}) ${what}\nreplay: npx distlab replay raft ${outcome.name} --seed ${outcome.seed} --impl labs/raft/raft.ipynb --out replay-${outcome.name}\n`);
  const marks = failureAtMs === null ? [] : [{ atMs: failureAtMs, label: `FAILED (${outcome.kind}): ${outcome.failure ?? ''}` }];
  await show(nodeTimelineSpec(events, { toMs: endMs, nodes: world.nodeIds, marks, title: `${outcome.name} seed ${outcome.seed}: role and term` }));
  if (!morePlots) return;
  await show(metricSpec(events, { name: 'commitIndex', toMs: endMs, marks, title: `${outcome.name} seed ${outcome.seed}: commit index` }));
  const fromMs = Math.max(0, endMs - spaceTimeWindowMs);
  await show(spaceTimeSpec(events, { fromMs, toMs: endMs, nodes: world.nodeIds, marks, title: `${outcome.name} seed ${outcome.seed}: messages ${fromMs}-${endMs} ms` }));
}
