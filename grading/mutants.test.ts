/**
 * Proof of power, kept short for CI. Every mutant's edits still apply to the reference, and
 * every mutant that names the hidden scenario aimed at it (`caughtBy`) fails that scenario on
 * the first grading seed while the reference passes it, in process. The full measure (every
 * hidden scenario, 20 grading seeds per mutant, each mutant caught on at least half of them)
 * is `npm run mutants:catch` (grading/mutants/catch.ts); numbers in docs/raft.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLab } from '../src/cli/labs';
import type { LabTest } from '../src/testing/lab';
import { compileImplementation, compileModuleGraph, evaluateImplementation, implementationFor } from '../src/testing/load-impl';
import { evaluateGraph, preloadDistlab } from '../src/testing/module-graph';
import { runTest } from '../src/testing/run-test';
import { ensureBuilt } from './grader/test-support';
import { applyMutant, writeSubmission, type Mutant } from './mutants/mutant';
import { raftMutants } from './mutants/raft/mutants';

const root = path.resolve(__dirname, '..');
const gradingSeed = 5841;

beforeAll(ensureBuilt);

const hiddenTests = new Map<string, ReadonlyArray<LabTest<unknown>>>();

async function hiddenTestsOf(lab: string): Promise<ReadonlyArray<LabTest<unknown>>> {
  const cached = hiddenTests.get(lab);
  if (cached !== undefined) return cached;
  const graph = compileModuleGraph(path.join(root, 'grading', 'hidden', lab, 'index.ts'));
  await preloadDistlab(graph);
  const tests = (evaluateGraph(graph).hiddenTests ?? []) as ReadonlyArray<LabTest<unknown>>;
  hiddenTests.set(lab, tests);
  return tests;
}

/** Runs hidden scenario `name` of `lab` on `seed` against the reference with `mutant`'s edits (none: the reference). */
async function runHidden(lab: string, name: string, seed: number, mutant: Mutant | null): Promise<{ passed: boolean; failure: string | undefined }> {
  const test = (await hiddenTestsOf(lab)).find((candidate) => candidate.name === name);
  if (test === undefined) throw new Error(`no hidden ${lab} scenario ${name}`);
  const reference = fs.readFileSync(path.join(root, 'grading', 'solutions', lab, `${lab}.ts`), 'utf8');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-mutant-'));
  try {
    const file = writeSubmission(folder, `${lab}.ts`, mutant === null ? reference : applyMutant(reference, mutant), lab, root);
    const compiled = compileImplementation(file, { typeCheck: false });
    const { lab: loaded } = await loadLab({ name: lab });
    const impl = implementationFor(loaded, { file: compiled.file, exports: await evaluateImplementation(compiled) });
    const { outcome } = await runTest(loaded, test, impl, seed, { reporter: null });
    return { passed: outcome.passed, failure: outcome.failure };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

describe('mutants: Raft', () => {
  it('has at least 30 mutants, each a named mistake whose edits apply to the reference exactly once', () => {
    expect(raftMutants.length).toBeGreaterThanOrEqual(30);
    expect(new Set(raftMutants.map((mutant) => mutant.name)).size).toBe(raftMutants.length);
    const reference = fs.readFileSync(path.join(root, 'grading', 'solutions', 'raft', 'raft.ts'), 'utf8');
    for (const mutant of raftMutants) expect(applyMutant(reference, mutant)).not.toBe(reference);
  });

  const aimed = raftMutants.filter((mutant) => mutant.caughtBy !== undefined);
  const scenarios = [...new Set(aimed.map((mutant) => mutant.caughtBy ?? ''))];

  it.each(scenarios)('the reference passes %s on the first grading seed', async (scenario) => {
    const { passed, failure } = await runHidden('raft', scenario, gradingSeed, null);
    expect(failure ?? null).toBeNull();
    expect(passed).toBe(true);
  }, 60_000);

  it.each(aimed.map((mutant) => [mutant.name, mutant.caughtBy ?? '', mutant] as const))('mutant %s fails %s on the first grading seed', async (_name, scenario, mutant) => {
    const { passed } = await runHidden('raft', scenario, gradingSeed, mutant);
    expect(passed).toBe(false);
  }, 60_000);
});
