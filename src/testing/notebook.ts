/**
 * Running a lab's tests from a notebook cell, against the classes defined in the notebook,
 * and showing the results as a table. Lab notebooks wrap it (e.g. `runRaftTests(Raft, '3A')`)
 * so students pass the class they just defined: redefining a class in a later cell makes a new
 * constructor, so the harness must take it as an argument, never import it.
 */
import type { Lab } from './lab';
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
}

/**
 * Runs tests in this process (the kernel) and displays one row per test × seed: verdict,
 * virtual time, RPCs, bytes, seed, trace hash, and for failures the sentence and the replay
 * command. Returns the outcomes. A failing test never throws: the cell stays green and the
 * table says what failed. (An implementation that loops forever hangs the cell: interrupt the
 * kernel.)
 *
 * @example
 *   // in a lab notebook, after defining class Raft:
 *   const outcomes = await runLabTests(raftLab, { Raft }, { part: '3A' });
 */
export async function runLabTests<I>(lab: Lab<I>, impl: I, options: RunLabTestsOptions = {}): Promise<TestOutcome[]> {
  const seeds = typeof options.seeds === 'number' ? seedRange(options.seeds) : (options.seeds ?? [1]);
  const outcomes = await runTests(lab, impl, {
    seeds,
    ...(options.part === undefined ? {} : { part: options.part }),
    ...(options.names === undefined ? {} : { names: options.names }),
  });
  if (options.display !== false) {
    const { showTable } = await import('../plot/display.js');
    const passed = outcomes.filter((outcome) => outcome.passed).length;
    const title = options.title ?? `${lab.title}${options.part === undefined ? '' : `: part ${options.part}`}`;
    showTable(outcomes.map((outcome) => resultRow(lab.name, outcome)), {
      title: `${title} (${passed} of ${outcomes.length} passed)`,
      columns: ['test', 'seed', 'verdict', 'time', 'RPCs', 'bytes', 'trace', 'wall', 'what failed', 'replay'],
    });
  }
  return outcomes;
}

/** One table row for an outcome. */
export function resultRow(labName: string, outcome: TestOutcome): Record<string, string | number> {
  return {
    test: outcome.name,
    seed: outcome.seed,
    verdict: outcome.passed ? 'passed' : `FAILED (${outcome.kind})`,
    time: `${(outcome.virtualMs / 1000).toFixed(1)}s`,
    RPCs: outcome.rpcs,
    bytes: formatCount(outcome.bytes),
    trace: shortHash(outcome.traceHash),
    wall: `${(outcome.wallMs / 1000).toFixed(2)}s`,
    'what failed': outcome.failure ?? '',
    replay: outcome.passed ? '' : replayCommand(outcome, { lab: labName, impl: '<your notebook>.ipynb' }),
  };
}
