/**
 * `distlab release`: the handout is clean and passes its own checks (the stripped lab notebook
 * compiles and its public tests fail cleanly against it, as against the skeleton), and the
 * autograder.zip, unpacked into a root laid out like Gradescope's, writes a valid results.json
 * for a good submission (full marks) and a bad one (less), and survives attacks.
 *
 * Kept cheap for `npm test`: the good and bad submissions are graded on one test per part plus
 * the hidden test the mutant fails (`DISTLAB_GRADE_RUN`, a partial grading). The whole
 * gradings and the handout notebook in Jupyter run in `npm run test:grading-e2e`
 * (grading/e2e.test.ts).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileImplementation, evaluateImplementation, implementationFor, loadLab, runTest } from 'distlab/testing';
import { release, stripSolutionRegions, type ReleaseReport } from './gradescope/release';
import { gradescopeResultsSchema } from './grader/results-schema';
import { processesNaming, removeTestFolders, testFolder } from './grader/test-support';
import { answerLines, auditAutograder } from './gradescope/audit';
import { autograderEnvironment, ensureReleaseBuilt, gradescopeRoot, placeSubmission, raftSubmission, releasedAttacks, root, runAutograder, until, unzip } from './release-support';

let report: ReleaseReport;
/** One Gradescope-like root for the whole file: the grader's type-check cache then serves repeated submissions. */
let gradescope: string;

/** One test per part, plus the hidden scenario the mutant below fails: a partial grading, said so in results.json. */
const quickCheck = 'TestInitialElection3A|TestBasicAgree3B|TestPersist13C|TestSnapshotBasic3D|HiddenFigure8Scripted3C';

beforeAll(() => {
  ensureReleaseBuilt();
  report = release({ out: testFolder('distlab-release-'), lab: 'raft' });
  gradescope = gradescopeRoot(report.zip);
}, 300_000);
afterAll(removeTestFolders);

describe('release: the handout', () => {
  it('strips regions to one TODO line, keeping indentation and part', () => {
    const stripped = stripSolutionRegions('a\n  // BEGIN SOLUTION (3B)\n  secret();\n  // END SOLUTION\nb', 'x.ts');
    expect(stripped).toEqual({ code: 'a\n  // TODO: your code here (3B).\nb', regions: 1 });
    expect(() => stripSolutionRegions('// BEGIN SOLUTION\n', 'x.ts')).toThrow(/without END/);
  });

  it('holds labs, notebooks and the runtime, and nothing of grading/', () => {
    expect(fs.existsSync(path.join(report.handout, 'labs', 'raft', 'raft.ipynb'))).toBe(true);
    expect(fs.existsSync(path.join(report.handout, 'labs', 'raft', 'tests', '3a.ts'))).toBe(true);
    expect(fs.existsSync(path.join(report.handout, 'src', 'index.ts'))).toBe(true);
    expect(fs.existsSync(path.join(report.handout, 'grading'))).toBe(false);
    // labs/ already holds the student versions (npm run notebooks strips them); nothing is left to strip.
    expect(report.strippedRegions).toBe(0);
    const notebook = fs.readFileSync(path.join(report.handout, 'labs', 'raft', 'raft.ipynb'), 'utf8');
    expect(notebook).not.toMatch(/BEGIN SOLUTION/);
    expect(notebook).toMatch(/Your code here \(3A\)/);
    expect(notebook).not.toContain('votesGranted$.next()');
  });

  it('its stripped lab notebook compiles, and the public tests fail cleanly against it and the skeleton', async () => {
    const { lab } = await loadLab({ name: 'raft' });
    const test = lab.tests.find((candidate) => candidate.name === 'TestInitialElection3A');
    expect(test).toBeDefined();
    for (const file of ['labs/raft/raft.ipynb', 'labs/raft/raft.ts']) {
      const compiled = compileImplementation(path.join(report.handout, file));
      const impl = implementationFor(lab, { file: compiled.file, exports: await evaluateImplementation(compiled) });
      const { outcome } = await runTest(lab, test!, impl, 1, { reporter: null });
      expect(outcome.passed).toBe(false);
      expect(outcome.failure).toMatch(/leader/);
    }
  });
});

describe('release: autograder.zip', () => {
  it('has setup.sh and run_autograder at its root, executable, and no reference solution', () => {
    const listing = unzip(report.zip);
    expect(listing).toMatch(/^0o755 setup\.sh$/m);
    expect(listing).toMatch(/^0o755 run_autograder$/m);
    expect(listing).not.toMatch(/solutions|mutants|fixtures|adversarial|release-support/);
    expect(listing).toMatch(/distlab\/grading\/hidden\/raft\/index\.ts/);
  });

  it('writes a valid results.json for a good submission (full marks) and a bad one (less), in a Gradescope-like root', () => {
    const env = { DISTLAB_GRADE_RUN: quickCheck, DISTLAB_GRADE_JOBS: '1' };
    const good = runAutograder(gradescope, raftSubmission(), { env });
    expect(good.score).toBe(100);
    expect(good.tests.map((test) => test.name)).toEqual(['3A TestInitialElection3A', '3B TestBasicAgree3B', '3C TestPersist13C', '3D TestSnapshotBasic3D', '3C HiddenFigure8Scripted3C (hidden)']);
    expect(good.output).toMatch(/^PARTIAL GRADING: only the 5 tests matching/m);
    const bad = runAutograder(gradescope, raftSubmission('figure8-commit-rule'), { env });
    expect(bad.score).toBeLessThan(100);
    expect(bad.tests.find((test) => test.name.includes('HiddenFigure8Scripted3C'))?.status).toBe('failed');
    // A bound against a hang, not a timing.
  }, 300_000);
});

describe('release: autograder.zip under attack', () => {

  it('refuses to ship answers: a reference solution under any name is found by its lines', () => {
    const reference = fs.readFileSync(path.join(root, 'grading', 'solutions', 'raft', 'raft.ts'), 'utf8').replaceAll('// BEGIN SOLUTION', '//');
    const answers = answerLines(root);
    expect(auditAutograder([{ name: 'distlab/labs/raft/notes.ts', data: Buffer.from(reference) }], answers)).toEqual([expect.stringMatching(/notes\.ts: carries \d+ lines of a reference solution/)]);
    expect(auditAutograder([{ name: 'distlab/grading/solutions/raft/raft.ts', data: Buffer.from('x') }], answers)).toEqual([expect.stringMatching(/instructor material/)]);
    expect(auditAutograder([{ name: 'distlab/labs/raft/raft.ts', data: Buffer.from(fs.readFileSync(path.join(root, 'labs', 'raft', 'raft.ts'))) }], answers)).toEqual([]);
  });

  // The attacks of grading/adversarial/ against grade() run in grading/adversarial.test.ts; here,
  // through the released run_autograder, the one that fails before any type check (the rest of
  // the released-package attacks: grading/e2e.test.ts).
  it('a notebook that is not JSON: zero, a sentence, a valid results.json, no process left', () => {
    const results = runAutograder(gradescope, releasedAttacks[0].text, { name: releasedAttacks[0].file });
    expect(results.score).toBe(0);
    expect(results.output).toMatch(releasedAttacks[0].message);
  }, 120_000);

  it('where the OS forbids unshare (a locked-down image): refuses to grade, saying how to opt in; opted in, grades with a WARNING on top', () => {
    // A machine without network namespaces, simulated: an `unshare` first on PATH that always fails.
    const bin = testFolder('distlab-no-unshare-');
    fs.writeFileSync(path.join(bin, 'unshare'), '#!/bin/sh\necho "unshare: unshare failed: Operation not permitted" >&2\nexit 1\n', { mode: 0o755 });
    const locked = { PATH: `${bin}:${process.env.PATH ?? ''}`, DISTLAB_GRADE_RUN: 'TestInitialElection3A', DISTLAB_GRADE_JOBS: '1' };
    const refused = runAutograder(gradescope, raftSubmission(), { env: locked });
    expect(refused.score).toBe(0);
    expect(refused.output).toMatch(/cannot contain grading workers.*distlab release --allow-insecure/s);
    const degraded = runAutograder(gradescope, raftSubmission(), { env: { ...locked, DISTLAB_GRADE_INSECURE: '1' } });
    expect(degraded.output).toMatch(/^WARNING: graded with --insecure/);
    expect(degraded.tests.map((test) => [test.name, test.status])).toEqual([['3A TestInitialElection3A', 'passed']]);
    expect(degraded.score).toBe(degraded.tests[0]?.max_score);
    expect(degraded.extra_data).toMatchObject({ sandbox: { insecure: true, network: 'none' } });
  }, 180_000);

  it('a grader killed mid-run: run_autograder still writes a valid results.json, and no worker is left', async () => {
    placeSubmission(gradescope, 'raft.ts', raftSubmission());
    const env = autograderEnvironment(gradescope);
    const tmp = env.TMPDIR ?? '';
    const runner = spawn(path.join(gradescope, 'source', 'run_autograder'), [], { cwd: gradescope, env, stdio: 'ignore' });
    const finished = new Promise<number | null>((resolve) => runner.on('exit', resolve));
    // A worker exists once some process names the run's TMPDIR (only workers do); then kill the grader, only it.
    expect(await until(() => processesNaming(tmp).length > 0, 1800)).toBe(true);
    const grader = processesNaming(path.join(gradescope, 'submission')).filter((line) => line.includes('distlab.js grade'));
    expect(grader).toHaveLength(1);
    process.kill(Number((grader[0] ?? '').split(':')[0]), 'SIGKILL');
    expect(await finished).toBe(0);
    const results = gradescopeResultsSchema.parse(JSON.parse(fs.readFileSync(path.join(gradescope, 'results', 'results.json'), 'utf8')));
    expect(results.output).toMatch(/could not grade this submission/);
    expect(await until(() => processesNaming(tmp).length === 0, 100)).toBe(true);
  }, 180_000);
});
