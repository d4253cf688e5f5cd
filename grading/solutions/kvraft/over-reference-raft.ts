/**
 * Instructor-only switch: runs a student's lab-4 submission over the REFERENCE Raft instead of
 * the Raft it brings, to tell a lab-4 bug (RSM, server, Clerk) from a lab-3 bug. Students never
 * get this file (grading/ is not in the handout).
 *
 *   npx tsx grading/solutions/kvraft/over-reference-raft.ts SUBMISSION [--part 4B] [--run NAME] [--seeds N]
 *
 * Prints the same pass lines and failure blocks as `distlab test`, and a summary per part; exits
 * 1 when a run failed, 2 on bad input. Compare with `npx distlab test kvraft --impl SUBMISSION`:
 * a test that fails there and passes here points at the student's Raft.
 */
import { parseArgs } from 'node:util';
import {
  compileImplementation,
  evaluateImplementation,
  failureBlock,
  passLine,
  runTests,
  seedRange,
  summarize,
  summaryTable,
  type TestOutcome,
} from 'distlab/testing';
import { kvraftLab } from '../../../labs/kvraft/lab';
import type { KvraftImplementation } from '../../../labs/kvraft/types';
import { Raft as ReferenceRaft } from '../raft/raft';

/** The submission's classes with its Raft replaced by the reference one. */
export async function overReferenceRaft(submission: string): Promise<() => Promise<KvraftImplementation>> {
  const compiled = compileImplementation(submission);
  return async () => kvraftLab.implementationFrom({ ...(await evaluateImplementation(compiled)), Raft: ReferenceRaft });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { part: { type: 'string' }, run: { type: 'string' }, seeds: { type: 'string', default: '1' } } });
  const submission = positionals[0];
  const seeds = Number(values.seeds);
  if (submission === undefined || !Number.isInteger(seeds) || seeds < 1) {
    process.stderr.write('usage: npx tsx grading/solutions/kvraft/over-reference-raft.ts SUBMISSION [--part 4B] [--run NAME] [--seeds N]\n');
    return 2;
  }
  const fresh = await overReferenceRaft(submission);
  const style = { color: process.stdout.isTTY === true };
  const outcomes: TestOutcome[] = await runTests(kvraftLab, await fresh(), {
    seeds: seedRange(seeds, 1),
    ...(values.part === undefined ? {} : { part: values.part }),
    ...(values.run === undefined ? {} : { names: values.run }),
    implementationFor: fresh,
    onOutcome: (outcome) => process.stdout.write(`${outcome.passed ? passLine(outcome, style) : failureBlock(outcome, { lab: 'kvraft', impl: submission }, style)}\n`),
  });
  process.stdout.write(`\nover the reference Raft:\n${summaryTable(summarize(outcomes, kvraftLab.parts), style)}\n`);
  return outcomes.every((outcome) => outcome.passed) ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
