/**
 * Scores and Gradescope's results.json. A test passes only if every one of its seeds passed;
 * a part's points are split evenly over its tests (public and hidden).
 */
import type { RunRecord } from './sandbox';

export interface TestVerdict {
  readonly name: string;
  readonly part: string;
  readonly hidden: boolean;
  readonly seeds: readonly number[];
  readonly seedsPassed: number;
  readonly seedsRun: number;
  readonly passed: boolean;
  /** The first failing run (lowest seed), when failed. */
  readonly failed: RunRecord | null;
  readonly wallMs: number;
  readonly score: number;
  readonly maxScore: number;
  /** Relative path of the failure page inside the output folder, when one was written. */
  page?: string;
}

export interface GradescopeTest {
  readonly name: string;
  readonly score: number;
  readonly max_score: number;
  readonly status: 'passed' | 'failed';
  readonly output: string;
  readonly visibility: 'visible' | 'hidden' | 'after_due_date' | 'after_published';
  readonly execution_time: number;
  readonly tags: readonly string[];
}

export interface GradescopeResults {
  readonly score: number;
  readonly execution_time: number;
  readonly output: string;
  readonly visibility: 'visible';
  readonly stdout_visibility: 'hidden';
  readonly tests: readonly GradescopeTest[];
  readonly extra_data: Readonly<Record<string, unknown>>;
}

/** Characters of one test's output in results.json. */
export const testOutputCharsMax = 3000;

export interface TestPlan {
  readonly name: string;
  readonly part: string;
  readonly hidden: boolean;
}

/** Per-test verdicts from run records; tests are listed in plan order. */
/**
 * Points of each test: a part's points split evenly over its tests, in cents, the remainder
 * going to the first tests, so that a part's tests add up to exactly the part's points.
 */
export function testPoints(plan: readonly TestPlan[], parts: Readonly<Record<string, number>>): number[] {
  const counts = new Map<string, number>();
  for (const test of plan) counts.set(test.part, (counts.get(test.part) ?? 0) + 1);
  const seen = new Map<string, number>();
  return plan.map((test) => {
    const cents = Math.round((parts[test.part] ?? 0) * 100);
    const count = counts.get(test.part) ?? 1;
    const position = seen.get(test.part) ?? 0;
    seen.set(test.part, position + 1);
    const base = Math.floor(cents / count);
    return (base + (position < cents - base * count ? 1 : 0)) / 100;
  });
}

export function verdicts(plan: readonly TestPlan[], seeds: readonly number[], records: readonly RunRecord[], parts: Readonly<Record<string, number>>): TestVerdict[] {
  const points = testPoints(plan, parts);
  return plan.map((test, position) => {
    const mine = records.filter((record) => record.assignment.test === test.name && record.assignment.hidden === test.hidden).sort((a, b) => a.assignment.seed - b.assignment.seed);
    const seedsPassed = mine.filter((record) => record.outcome.passed).length;
    const failed = mine.find((record) => !record.outcome.passed) ?? null;
    const passed = failed === null && seedsPassed === seeds.length;
    const maxScore = points[position] ?? 0;
    return {
      name: test.name,
      part: test.part,
      hidden: test.hidden,
      seeds,
      seedsPassed,
      seedsRun: mine.length,
      passed,
      failed,
      wallMs: mine.reduce((sum, record) => sum + record.outcome.wallMs, 0),
      score: passed ? maxScore : 0,
      maxScore,
    };
  });
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n... (output truncated at ${max} characters)`;
}

/** The text shown under a test on Gradescope (hidden tests: no parameters, no log). */
export function testOutput(verdict: TestVerdict, replay: (name: string, seed: number) => string): string {
  if (verdict.passed) return `Passed on all ${verdict.seeds.length} seeds.`;
  const lines: string[] = [];
  const failed = verdict.failed;
  if (failed === null) {
    lines.push(`Not every seed ran (${verdict.seedsRun} of ${verdict.seeds.length}).`);
  } else {
    const outcome = failed.outcome;
    const at = outcome.failureAtMs === undefined ? '' : ` at ${(outcome.failureAtMs / 1000).toFixed(1)} s of virtual time`;
    // The grader's wall-clock safety net stopped the run (twice): no verdict on the code, and said so.
    if (failed.infrastructure === true) lines.push(`NOT GRADED on seed ${outcome.seed}: ${outcome.failure ?? 'not graded'}`);
    else lines.push(`FAILED (${outcome.kind}) on seed ${outcome.seed}${at}: ${outcome.failure ?? 'failed'}`);
    lines.push(`Seeds passed before the first failure: ${verdict.seedsPassed} of ${verdict.seeds.length} (later seeds were not run).`);
    if (!verdict.hidden && failed.enforced === undefined) lines.push(`Replay it: ${replay(verdict.name, outcome.seed)}`);
    if (verdict.hidden) lines.push('This is a hidden test: its scenario is not shown. The seed is given so you can compare runs.');
    if (!verdict.hidden && outcome.log.length > 0) lines.push('Log:', ...outcome.log.slice(0, 20).map((line) => `  ${line}`));
  }
  if (verdict.page !== undefined) lines.push(`Plots of the failing run: ${verdict.page}`);
  return cap(lines.join('\n'), testOutputCharsMax);
}

export function gradescopeResults(
  all: readonly TestVerdict[],
  options: { summary: string; executionMs: number; replay: (name: string, seed: number) => string; extra: Record<string, unknown> },
): GradescopeResults {
  const tests: GradescopeTest[] = all.map((verdict) => ({
    name: `${verdict.part} ${verdict.name}${verdict.hidden ? ' (hidden)' : ''}`,
    score: verdict.score,
    max_score: verdict.maxScore,
    status: verdict.passed ? 'passed' : 'failed',
    output: testOutput(verdict, options.replay),
    visibility: 'visible',
    execution_time: round(verdict.wallMs / 1000),
    tags: [verdict.part, verdict.hidden ? 'hidden' : 'public'],
  }));
  return {
    score: round(all.reduce((sum, verdict) => sum + verdict.score, 0)),
    execution_time: round(options.executionMs / 1000),
    output: cap(options.summary, testOutputCharsMax * 2),
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests,
    extra_data: { ...options.extra, notGraded: notGraded(all) },
  };
}

/** Tests stopped by the grader's wall-clock safety net (not a verdict on the code): the staff should grade them again. */
export function notGraded(all: readonly TestVerdict[]): string[] {
  return all.filter((verdict) => verdict.failed?.infrastructure === true).map((verdict) => `${verdict.part} ${verdict.name}${verdict.hidden ? ' (hidden)' : ''}`);
}

/** Results when no test could run (the submission did not compile or load). */
export function unloadableResults(plan: readonly TestPlan[], parts: Readonly<Record<string, number>>, message: string, executionMs: number, extra: Record<string, unknown>): GradescopeResults {
  const points = testPoints(plan, parts);
  return {
    score: 0,
    execution_time: round(executionMs / 1000),
    output: cap(message, testOutputCharsMax * 2),
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests: plan.map((test, position) => ({
      name: `${test.part} ${test.name}${test.hidden ? ' (hidden)' : ''}`,
      score: 0,
      max_score: points[position] ?? 0,
      status: 'failed',
      output: 'Not run: the submission could not be loaded (see the top of the results).',
      visibility: 'visible',
      execution_time: 0,
      tags: [test.part, test.hidden ? 'hidden' : 'public'],
    })),
    extra_data: extra,
  };
}
