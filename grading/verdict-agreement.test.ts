/**
 * One failing run, three ways: `distlab test` (a worker process), `distlab replay` (in process)
 * and the grader (a contained worker, the submission behind the bridge, limits in CPU time) give
 * the same verdict: the same kind, sentence, virtual time and trace hash. A student who replays
 * a graded failure sees what the grader saw, whatever the load on either machine (nothing of the
 * verdict reads a clock: the grader's only wall-clock limit is a safety net that says "not
 * graded" instead of a verdict).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { grade } from './grader/grade';
import { ensureBuilt, removeTestFolders, testFolder } from './grader/test-support';
import { writeMutant } from './mutants/mutant';
import { raftMutants } from './mutants/raft/mutants';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'bin', 'distlab.js');

beforeAll(ensureBuilt);
afterAll(removeTestFolders);

function distlab(args: readonly string[]): { status: number | null; stdout: string } {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: run.status, stdout: run.stdout };
}

it('a failing seed gets the same verdict from distlab test, distlab replay and the grader', async () => {
  // Heartbeats ten times too frequent: TestCount3B fails on its RPC count, on every seed.
  const mutant = raftMutants.find((candidate) => candidate.name === 'heartbeats-too-frequent');
  const submission = writeMutant(testFolder('distlab-verdict-'), 'raft', mutant ?? null, root);
  const [name, seed] = ['TestCount3B', 5841];

  // Type checks are the grader's business here: the CLI runs skip them (the verdicts are what is compared).
  const tested = distlab(['test', 'raft', '--impl', submission, '--run', name, '--seed', String(seed), '--json', '--no-type-check']);
  expect(tested.status).toBe(1);
  const line = JSON.parse(tested.stdout.trim().split('\n').at(-1) ?? '{}') as { kind: string; failure: string; failureAtMs: number; traceHash: string };
  expect(line.kind).not.toBe('pass');

  const replayed = distlab(['replay', 'raft', name, '--seed', String(seed), '--impl', submission, '--no-type-check']);
  expect(replayed.status).toBe(1);
  expect(replayed.stdout).toContain(`FAILED (${line.kind})`);
  expect(replayed.stdout).toContain(line.failure);
  expect(replayed.stdout).toContain(`trace ${line.traceHash}`);

  const graded = await grade({ submission, lab: 'raft', tests: name, seeds: 1, seedBase: seed - 1, jobs: 1, pages: false, outDir: testFolder('distlab-verdict-out-') });
  const outcome = graded.verdicts[0]?.failed?.outcome;
  expect(graded.verdicts[0]?.failed?.enforced).toBeUndefined();
  expect({ kind: outcome?.kind, failure: outcome?.failure, failureAtMs: outcome?.failureAtMs, traceHash: outcome?.traceHash }).toEqual({ kind: line.kind, failure: line.failure, failureAtMs: line.failureAtMs, traceHash: line.traceHash });
  expect(graded.results.tests[0]?.output).toContain(`npx distlab replay raft ${name} --seed ${seed}`);
}, 300_000);
