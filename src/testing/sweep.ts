/**
 * Running a lab's tests over seeds. `runTests` runs in this process, one test after another
 * (notebooks, vitest, `--no-isolate`); `runTestsIsolated` (isolate.ts) runs them in child
 * processes with a wall-clock guard, which the CLI does by default.
 */
import type { World } from '../runtime';
import type { Lab, LabTest, TestFailure } from './lab';
import { withExitGuard } from './module-graph';
import { runTest, type TestOutcome } from './run-test';

export interface TestSelection {
  /** Only tests of this part, e.g. '3A'. */
  readonly part?: string;
  /**
   * Only tests with these names: an exact name, else a regular expression matched anywhere in
   * the name (as `go test -run`); a list matches any of its entries.
   */
  readonly names?: string | RegExp | readonly string[];
}

export interface SweepOptions<I> extends TestSelection {
  /** Seeds to run each test on, in order. */
  readonly seeds: readonly number[];
  /** Called as each test × seed finishes. */
  readonly onOutcome?: (outcome: TestOutcome) => void;
  /** Called as each test × seed finishes, with the run's world (for plots) and failure. */
  readonly onRun?: (run: { readonly outcome: TestOutcome; readonly world: World; readonly failure: TestFailure | null }) => void;
  /**
   * A fresh implementation per run (e.g. the submission evaluated again), so module-level
   * state cannot leak between tests; by default every run shares `impl`.
   */
  readonly implementationFor?: (test: LabTest<I>, seed: number) => I | Promise<I>;
}

/** A bad selection (unknown part, no matching test, bad pattern); the message says what exists. */
export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

/**
 * The tests a selection picks, in the lab's order.
 *
 * @example
 *   selectTests(raftLab, { part: '3A', names: 'Election' });
 */
export function selectTests<T extends { readonly name: string; readonly part: string }>(lab: { readonly name: string; readonly parts: readonly string[]; readonly tests: readonly T[] }, selection: TestSelection): T[] {
  if (selection.part !== undefined && !lab.parts.includes(selection.part)) {
    throw new SelectionError(`the ${lab.name} lab has no part "${selection.part}"; its parts are ${lab.parts.join(', ')}.`);
  }
  const byPart = lab.tests.filter((test) => selection.part === undefined || test.part === selection.part);
  const matches = nameMatcher(selection.names);
  const selected = byPart.filter((test) => matches(test.name, byPart));
  if (selected.length === 0) {
    const names = byPart.map((test) => test.name).join(', ');
    throw new SelectionError(`no ${lab.name} test${selection.part === undefined ? '' : ` of part ${selection.part}`} matches ${describeNames(selection.names)}; the tests are: ${names || '(none)'}.`);
  }
  return selected;
}

function nameMatcher(names: TestSelection['names']): (name: string, all: ReadonlyArray<{ name: string }>) => boolean {
  if (names === undefined) return () => true;
  if (names instanceof RegExp) return (name) => names.test(name);
  const list = typeof names === 'string' ? [names] : names;
  const patterns = list.map((entry) => {
    try {
      return new RegExp(entry);
    } catch (error) {
      throw new SelectionError(`--run "${entry}" is neither a test name nor a valid regular expression (${(error as Error).message}).`);
    }
  });
  return (name, all) =>
    list.some((entry, index) => (all.some((test) => test.name === entry) ? name === entry : (patterns[index]?.test(name) ?? false)));
}

function describeNames(names: TestSelection['names']): string {
  if (names === undefined) return 'the selection';
  if (names instanceof RegExp) return String(names);
  return typeof names === 'string' ? `"${names}"` : names.map((name) => `"${name}"`).join(', ');
}

/** Seeds first..first+count-1 (default 1..count, the public sweep; the grader starts past its seed base). */
export function seedRange(count: number, first = 1): number[] {
  return Array.from({ length: count }, (_, index) => first + index);
}

/**
 * Runs the selected tests on every seed, sequentially, in this process. Never throws for a
 * failing implementation: each failure is an outcome. A synchronous infinite loop in the
 * implementation cannot be interrupted here; the CLI isolates tests in child processes.
 *
 * @example
 *   const outcomes = await runTests(lab, impl, { part: '3A', seeds: [1, 2, 3] });
 */
export async function runTests<I>(lab: Lab<I>, impl: I, options: SweepOptions<I>): Promise<TestOutcome[]> {
  const tests = selectTests(lab, options);
  const outcomes: TestOutcome[] = [];
  for (const test of tests) {
    for (const seed of options.seeds) {
      const current = options.implementationFor === undefined ? impl : await options.implementationFor(test, seed);
      const run = await withExitGuard(() => runTest(lab, test, current, seed));
      outcomes.push(run.outcome);
      options.onOutcome?.(run.outcome);
      options.onRun?.(run);
    }
  }
  return outcomes;
}
