/**
 * The grader on a small fixture lab (grading/fixtures/counter): full score for the reference,
 * partial for a mutant only the hidden test catches, zero for the skeleton, a valid
 * results.json every time, failure pages that never show hidden sources.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade } from './grader/grade';
import { ensureBuilt, gradeFixture, removeTestFolders, testFolder } from './grader/test-support';
import { gradescopeResultsSchema } from './grader/results-schema';
import { specIsInert } from './grader/feedback';
import { testPoints } from './grader/results';

const fixture = path.join(path.resolve(__dirname, '..'), 'grading', 'fixtures', 'counter');

beforeAll(ensureBuilt);
afterAll(removeTestFolders);

describe('grader: counter fixture', () => {
  it('gives the reference full score and writes a valid results.json', async () => {
    const report = await gradeFixture(path.join(fixture, 'reference.ts'));
    expect(report.loadError).toBeNull();
    expect(report.results.score).toBe(10);
    const written = gradescopeResultsSchema.parse(JSON.parse(fs.readFileSync(path.join(report.outDir, 'results.json'), 'utf8')));
    expect(written.tests.map((test) => test.name)).toEqual(['A TestBasicCounter', 'B TestStepCounter', 'A TestCounterSurvivesRestarts (hidden)']);
    expect(written.tests.every((test) => test.status === 'passed')).toBe(true);
  });

  it('catches a mutant with the hidden test only, and its page shows no hidden source', async () => {
    const report = await gradeFixture(path.join(fixture, 'mutants', 'no-persist.ts'));
    expect(report.results.score).toBe(7);
    const hidden = report.verdicts.find((verdict) => verdict.hidden);
    expect(hidden?.passed).toBe(false);
    // A hidden failure is said in the grader's fixed sentence, never the test's (which may carry submission text).
    expect(hidden?.failed?.outcome.failure).toMatch(/a safety property this hidden scenario checks was violated/);
    expect(JSON.stringify(report.results)).not.toMatch(/counter read 3/);
    const page = fs.readFileSync(path.join(report.outDir, hidden?.page ?? 'missing'), 'utf8');
    expect(page).toContain('hidden suite');
    expect(page).not.toContain('incrementMany');
    expect(page).not.toContain('restartEvery');
    const test = report.results.tests.find((entry) => entry.name.includes('(hidden)'));
    expect(test?.output).not.toMatch(/replay/);
  });

  it('gives a public failure the replay command and a page with plots', async () => {
    const report = await gradeFixture(path.join(fixture, 'mutants', 'add-one.ts'));
    const failed = report.results.tests.find((test) => test.name === 'B TestStepCounter');
    expect(failed?.status).toBe('failed');
    expect(failed?.output).toMatch(/npx distlab replay counter TestStepCounter --seed 100\d --impl add-one\.ts/);
    const verdict = report.verdicts.find((entry) => entry.name === 'TestStepCounter');
    const page = fs.readFileSync(path.join(report.outDir, verdict?.page ?? 'missing'), 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('npx distlab replay');
  });

  it('gives the skeleton zero and says why', async () => {
    const report = await gradeFixture(path.join(fixture, 'skeleton.ts'), { pages: false });
    expect(report.results.score).toBe(0);
    expect(report.results.tests[0]?.output).toMatch(/not implemented: Counter/);
  });

  it('stops starting runs when the grading time budget is spent, and says so', async () => {
    const submission = path.join(path.resolve(__dirname, '..'), 'grading', 'adversarial', 'counter', 'loop-forever.ts');
    const report = await gradeFixture(submission, { jobs: 1, seeds: 1, pages: false, limits: { cpuMsPerRun: 1000, totalWallMs: 1000 } });
    expect(report.results.score).toBe(0);
    expect(report.results.tests[0]?.output).toMatch(/FAILED \(crash\) on seed 1001.*the run used more than 1 s of CPU time/);
    // Runs never started are not the submission's failure: said as not graded.
    expect(report.results.tests.slice(1).every((test) => /NOT GRADED on seed 1001: not graded: the grading time budget of 1 s ran out/.test(test.output))).toBe(true);
    expect(report.results.output).toMatch(/^NOT GRADED: 2 tests could not be graded/m);
    expect(report.results.extra_data).toMatchObject({ notGraded: ['B TestStepCounter', 'A TestCounterSurvivesRestarts (hidden)'] });
  });

  it('reports a submission that does not exist or does not compile, still writing results.json', async () => {
    const missing = await gradeFixture(path.join(fixture, 'nope.ts'));
    expect(missing.loadError).toMatch(/does not exist/);
    const folder = testFolder('distlab-bad-');
    fs.writeFileSync(path.join(folder, 'bad.ts'), 'export class Counter { constructor() { const x: number = "no"; } }\n');
    const bad = await gradeFixture(path.join(folder, 'bad.ts'));
    expect(bad.loadError).toMatch(/does not compile/);
    expect(gradescopeResultsSchema.parse(JSON.parse(fs.readFileSync(path.join(bad.outDir, 'results.json'), 'utf8'))).score).toBe(0);
  });
});

describe('grader: Raft', () => {
  it('grades a lab notebook uploaded alone (its imports of ./types and ./notebook are staged), on one test per part', async () => {
    // The instructor notebook: the student one (labs/raft/raft.ipynb) with the solutions in.
    // Every test of it: grading/e2e.test.ts (npm run test:grading-e2e).
    const folder = testFolder('distlab-notebook-');
    fs.copyFileSync(path.join(path.resolve(__dirname, '..'), 'grading', 'solutions', 'raft', 'raft.ipynb'), path.join(folder, 'raft.ipynb'));
    const tests = ['TestInitialElection3A', 'TestBasicAgree3B', 'TestPersist13C', 'TestSnapshotBasic3D', 'HiddenDeafPeers3A'];
    const report = await grade({ submission: path.join(folder, 'raft.ipynb'), lab: 'raft', seeds: 1, jobs: 1, pages: false, outDir: path.join(folder, 'out'), tests });
    expect(report.loadError).toBeNull();
    expect(report.results.tests.map((test) => test.name)).toEqual(['3A TestInitialElection3A', '3B TestBasicAgree3B', '3C TestPersist13C', '3D TestSnapshotBasic3D', '3A HiddenDeafPeers3A (hidden)']);
    expect(report.results.score).toBe(100);
    expect(report.results.extra_data).toMatchObject({ selection: tests });
  });

  it('refuses a selection that matches no test, naming the tests there are', async () => {
    await expect(gradeFixture(path.join(fixture, 'reference.ts'), { tests: 'NoSuchTest' })).rejects.toThrow(/no counter test matches "NoSuchTest"; the tests are: TestBasicCounter, TestStepCounter, TestCounterSurvivesRestarts/);
  });
});

describe('grader: pieces', () => {
  it('splits part points so they add up exactly', () => {
    const plan = ['a', 'b', 'c'].map((name) => ({ name, part: '3A', hidden: false }));
    const points = testPoints(plan, { '3A': 25 });
    expect(points).toEqual([8.34, 8.33, 8.33]);
    expect(Math.round(points.reduce((sum, value) => sum + value, 0) * 100)).toBe(2500);
  });

  it('drops plot specs that would make Vega load a URL', () => {
    expect(specIsInert({ data: { values: [{ a: 1 }] }, mark: 'point' })).toBe(true);
    expect(specIsInert({ data: { url: 'file:///etc/passwd' } })).toBe(false);
    expect(specIsInert({ layer: [{ encoding: { href: { field: 'x' } } }] })).toBe(false);
  });
});
