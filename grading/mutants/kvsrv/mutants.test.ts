/**
 * Proof of power, kept short for CI: every kvsrv mutant fails at least one test (public or
 * hidden) on seed 1, run in process (the code is ours, no sandbox needed). The full table, with
 * the grader, the grading seeds and the "caught by public" column, comes from
 * `npx tsx grading/mutants/run.ts --lab kvsrv` and is in docs/kvsrv.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileImplementation, evaluateImplementation, implementationFor, runTest, type LabTest } from 'distlab/testing';
import { kvsrvLab } from '../../../labs/kvsrv/lab';
import { hiddenTests } from '../../hidden/kvsrv';
import { applyMutant, writeSubmission } from '../mutant';
import { kvsrvMutants } from './mutants';

const root = path.resolve(__dirname, '../../..');
const reference = fs.readFileSync(path.join(root, 'grading/solutions/kvsrv/kvsrv.ts'), 'utf8');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-kvsrv-mutants-'));
/** Cheap tests first; the memory test (seconds) only when nothing else caught the mutant. */
const tests: ReadonlyArray<LabTest<unknown>> = [
  ...kvsrvLab.tests.filter((test) => test.name !== 'TestMemPutManyClientsReliable'),
  ...hiddenTests,
  ...kvsrvLab.tests.filter((test) => test.name === 'TestMemPutManyClientsReliable'),
] as ReadonlyArray<LabTest<unknown>>;

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The first test the code fails on seed 1, or null. */
async function firstFailure(name: string, code: string): Promise<string | null> {
  const file = writeSubmission(path.join(work, name), 'kvsrv.ts', code, 'kvsrv', root);
  const compiled = compileImplementation(file, { typeCheck: false });
  const impl = implementationFor(kvsrvLab, { file: compiled.file, exports: await evaluateImplementation(compiled) });
  for (const test of tests) {
    const { outcome } = await runTest(kvsrvLab, test as LabTest<typeof impl>, impl, 1);
    if (!outcome.passed) return `${test.name}: ${outcome.failure}`;
  }
  return null;
}

describe('mutants: kvsrv', () => {
  it('has at least 8 mutants, each a named mistake', () => {
    expect(kvsrvMutants.length).toBeGreaterThanOrEqual(8);
    expect(new Set(kvsrvMutants.map((mutant) => mutant.name)).size).toBe(kvsrvMutants.length);
  });

  for (const mutant of kvsrvMutants) {
    it(`${mutant.name} fails a test (${mutant.mistake})`, async () => {
      expect(await firstFailure(mutant.name, applyMutant(reference, mutant))).not.toBeNull();
    }, 60_000);
  }
});
