/**
 * Whole gradings, end to end: too long for `npm test` (minutes), run by `npm run test:grading-e2e`
 * (DISTLAB_GRADING_E2E=1; skipped otherwise). `npm test` keeps the quick versions:
 * grading/release.test.ts grades one test per part through the released package, and
 * grading/grader.test.ts a lab notebook on the same selection.
 *
 *   - the released autograder.zip, unpacked like Gradescope's root, grades the reference with
 *     full marks and a mutant with less on every public and hidden test (one seed);
 *   - the released run_autograder stops attacks at import (escape hatches, a garbage frame);
 *   - the handout's lab notebook runs top to bottom in Jupyter (code cells run, test cells
 *     report failures), installed as a student installs it (node_modules beside it);
 *   - `distlab grade` of the instructor lab notebook uploaded alone scores 100 on every test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, executeNotebook } from 'distlab/notebook';
import { release, type ReleaseReport } from './gradescope/release';
import { grade } from './grader/grade';
import { ensureReleaseBuilt, gradescopeRoot, jupyterAvailable, raftSubmission, releasedAttacks, root, runAutograder } from './release-support';
import { removeTestFolders, testFolder } from './grader/test-support';

describe.runIf(process.env.DISTLAB_GRADING_E2E === '1')('grading end to end (npm run test:grading-e2e)', () => {
  let report: ReleaseReport;
  beforeAll(() => {
    ensureReleaseBuilt();
    report = release({ out: testFolder('distlab-release-'), lab: 'raft' });
  }, 300_000);
  afterAll(removeTestFolders);

  it('autograder.zip grades the reference with full marks and a mutant with less, on every test', () => {
    const gradescope = gradescopeRoot(report.zip);
    const good = runAutograder(gradescope, raftSubmission());
    expect(good.score).toBe(100);
    expect(good.tests.length).toBeGreaterThanOrEqual(40);
    const bad = runAutograder(gradescope, raftSubmission('figure8-commit-rule'));
    expect(bad.score).toBeLessThan(100);
    expect(bad.tests.find((test) => test.name.includes('HiddenFigure8Scripted3C'))?.status).toBe('failed');
  }, 900_000);

  for (const attack of releasedAttacks) {
    it(`the released run_autograder under attack, ${attack.name}: zero, a sentence, a valid results.json, no process left`, () => {
      const results = runAutograder(gradescopeRoot(report.zip), attack.text, { name: attack.file });
      expect(results.score).toBe(0);
      expect([results.output, ...results.tests.map((test) => test.output)].join('\n')).toMatch(attack.message);
    }, 300_000);
  }

  it.skipIf(!jupyterAvailable())('the handout lab notebook runs top to bottom in Jupyter: code cells run, test cells report failures', async () => {
    // The handout is installed next to the checkout's packages (a student runs npm install).
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(report.handout, 'node_modules'));
    const run = await executeNotebook(path.join(report.handout, 'labs', 'raft', 'raft.ipynb'), { cellTimeoutMs: 120_000 });
    expect(run.ok, describeRun(run)).toBe(true);
    const failing = run.cells.filter((cell) => /\(seed \d+\) failed: /.test(cell.stdout ?? ''));
    expect(failing.length).toBeGreaterThanOrEqual(4);
  }, 300_000);

  it('grades the instructor lab notebook uploaded alone with full marks on every test', async () => {
    const folder = testFolder('distlab-notebook-');
    fs.copyFileSync(path.join(root, 'grading', 'solutions', 'raft', 'raft.ipynb'), path.join(folder, 'raft.ipynb'));
    const graded = await grade({ submission: path.join(folder, 'raft.ipynb'), lab: 'raft', seeds: 1, jobs: 2, pages: false, outDir: path.join(folder, 'out') });
    expect(graded.loadError).toBeNull();
    expect(graded.results.score).toBe(100);
    expect(graded.results.tests.length).toBeGreaterThanOrEqual(40);
  }, 900_000);
});
