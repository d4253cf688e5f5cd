/**
 * Running a lab's tests from a notebook cell, against the classes defined in the notebook: a
 * results table, then the lab's plots of one run (the first that failed, else the last). Lab
 * notebooks wrap it (Raft's `runPart('3A', { Raft })`) so students pass the class they just
 * defined: redefining a class in a later cell makes a new constructor, so the tester must take
 * it as an argument, never import it.
 */
import type { World } from '../runtime';
import { formatSeconds } from '../check/format';
import type { Lab, TestFailure } from './lab';
import { formatCount, replayCommand, shortHash } from './report';
import type { TestOutcome } from './run-test';
import { runTests, seedRange } from './sweep';

export interface RunLabTestsOptions {
  /** Only this part, e.g. '3A'. */
  readonly part?: string;
  /** Only tests with this exact name, else matching this regular expression. */
  readonly names?: string | RegExp | readonly string[];
  /** Seeds to run each test on (default [1]); a number n means seeds 1..n. */
  readonly seeds?: number | readonly number[];
  /** Table heading; default "<lab title>: part <part>". */
  readonly title?: string;
  /** Show the table (default true); false only returns the outcomes. */
  readonly display?: boolean;
  /** How many of the lab's plots to show for one run (default 0: the table only). */
  readonly plots?: number;
  /** The `--impl` of the replay commands shown (default `<your notebook>.ipynb`). */
  readonly replayImpl?: string;
}

/** The run whose plots are shown: the first failure, else the last run. */
interface ShownRun {
  readonly outcome: TestOutcome;
  readonly world: World;
  readonly failure: TestFailure | null;
}

/**
 * Runs tests in this process (the kernel) and displays one row per test × seed: verdict,
 * virtual time, RPCs, bytes, seed, trace hash, and for failures the sentence and the replay
 * command; then, with `plots`, the lab's plots of one run. Returns the outcomes. A failing test
 * never throws: the cell stays green and the table says what failed. (An implementation that
 * loops forever hangs the cell: interrupt the kernel.)
 *
 * @example
 *   // in a lab notebook, after defining class Raft:
 *   const outcomes = await runLabTests(raftLab, { Raft }, { part: '3A', plots: 3 });
 */
export async function runLabTests<I>(lab: Lab<I>, impl: I, options: RunLabTestsOptions = {}): Promise<TestOutcome[]> {
  const seeds = typeof options.seeds === 'number' ? seedRange(options.seeds) : (options.seeds ?? [1]);
  let shown: ShownRun | null = null;
  const outcomes = await runTests(lab, impl, {
    seeds,
    ...(options.part === undefined ? {} : { part: options.part }),
    ...(options.names === undefined ? {} : { names: options.names }),
    onRun: (run) => {
      if (shown === null || shown.outcome.passed) shown = run;
    },
  });
  if (options.display === false) return outcomes;
  const { show, showTable } = await import('../plot/display.js');
  const replayImpl = options.replayImpl ?? '<your notebook>.ipynb';
  const passed = outcomes.filter((outcome) => outcome.passed).length;
  const title = options.title ?? `${lab.title}${options.part === undefined ? '' : `: part ${options.part}`}`;
  showTable(outcomes.map((outcome) => resultRow(lab.name, outcome, replayImpl)), {
    title: `${title} (${passed} of ${outcomes.length} passed)`,
    columns: ['test', 'seed', 'verdict', 'time', 'RPCs', 'bytes', 'trace', 'wall', 'what failed', 'replay'],
  });
  const run = shown as ShownRun | null;
  const plotsMax = options.plots ?? 0;
  if (run === null || plotsMax === 0 || lab.plots === undefined) return outcomes;
  const { outcome } = run;
  const what = outcome.passed ? 'passed' : `failed: ${outcome.failure}`;
  process.stdout.write(`${outcome.name} (seed ${outcome.seed}) ${what}\nreplay: ${replayCommand(outcome, { lab: lab.name, impl: replayImpl })} --out replay-${outcome.name}\n`);
  for (const plot of lab.plots(run.world, run.failure).slice(0, plotsMax)) await show(plot.spec as Parameters<typeof show>[0]);
  return outcomes;
}

/** One table row for an outcome. */
export function resultRow(labName: string, outcome: TestOutcome, replayImpl = '<your notebook>.ipynb'): Record<string, string | number> {
  return {
    test: outcome.name,
    seed: outcome.seed,
    verdict: outcome.passed ? 'passed' : `FAILED (${outcome.kind})`,
    time: formatSeconds(outcome.virtualMs),
    RPCs: outcome.rpcs,
    bytes: formatCount(outcome.bytes),
    trace: shortHash(outcome.traceHash),
    wall: formatSeconds(outcome.wallMs, 2),
    'what failed': outcome.failure ?? '',
    replay: outcome.passed ? '' : replayCommand(outcome, { lab: labName, impl: replayImpl }),
  };
}
