/**
 * Proof of power, kept short for CI: every lab-4 mutant (over the reference Raft) fails one of
 * the tests aimed at it (`caughtBy`, public or hidden) on seed 1, and the reference passes the
 * hidden tests there. Run in process (the code is ours, no sandbox needed).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileImplementation, evaluateImplementation, runTest, type LabTest } from 'distlab/testing';
import { kvraftLab } from '../../../labs/kvraft/lab';
import type { KvraftImplementation } from '../../../labs/kvraft/types';
import { hiddenTests } from '../../hidden/kvraft';
import { Raft } from '../../solutions/raft/raft';
import * as reference from '../../solutions/kvraft/index';
import { applyMutant, writeSubmission } from '../mutant';
import { kvraftMutants } from './mutants';

const root = path.resolve(__dirname, '../../..');
const source = fs.readFileSync(path.join(root, 'grading/solutions/kvraft/kvraft.ts'), 'utf8');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-kvraft-mutants-'));
const tests: ReadonlyArray<LabTest<KvraftImplementation>> = [...kvraftLab.tests, ...hiddenTests];

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The mutant's RSM, server and Clerk over the reference Raft. */
async function mutantImplementation(name: string, code: string): Promise<KvraftImplementation> {
  const file = writeSubmission(path.join(work, name), 'kvraft.ts', code, 'kvraft', root);
  const compiled = compileImplementation(file, { typeCheck: false });
  return kvraftLab.implementationFrom({ ...(await evaluateImplementation(compiled)), Raft });
}

describe('mutants: kvraft', () => {
  it('has at least 10 mutants, each a named mistake aimed at named tests that exist', () => {
    expect(kvraftMutants.length).toBeGreaterThanOrEqual(10);
    expect(new Set(kvraftMutants.map((mutant) => mutant.name)).size).toBe(kvraftMutants.length);
    for (const mutant of kvraftMutants) for (const name of mutant.caughtBy ?? []) expect(tests.map((test) => test.name)).toContain(name);
  });

  for (const mutant of kvraftMutants) {
    it(`${mutant.name} fails a test aimed at it (${mutant.mistake})`, async () => {
      const impl = await mutantImplementation(mutant.name, applyMutant(source, mutant));
      const failures: string[] = [];
      for (const name of mutant.caughtBy ?? []) {
        const { outcome } = await runTest(kvraftLab, tests.find((test) => test.name === name)!, impl, 1);
        if (!outcome.passed) failures.push(`${name}: ${outcome.failure}`);
      }
      expect(failures.length, mutant.name).toBeGreaterThan(0);
    }, 60_000);
  }

  for (const test of hiddenTests) {
    it(`the reference passes ${test.name} (seed 1)`, async () => {
      const { outcome } = await runTest(kvraftLab, test, kvraftLab.implementationFrom(reference), 1);
      expect(outcome.failure ?? 'passed').toBe('passed');
    }, 60_000);
  }
});
