/**
 * The adversarial catalogue (grading/adversarial/catalogue.ts) against the grader, with short
 * wall-clock limits: each attack gets no credit for what it broke, a clear message, a valid and
 * small results.json, and no process left once grading returns; the grader always finishes
 * (it runs in this test's process: an attack that killed it would fail the file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adversaries } from './adversarial/catalogue';
import { ensureBuilt, gradeFixture, processesNaming, removeTestFolders, testFolder } from './grader/test-support';
import { gradescopeResultsSchema } from './grader/results-schema';

const root = path.resolve(__dirname, '..');
/**
 * Limits in CPU time, small so that a loop is stopped in a second or two whatever the load
 * (the fixture's runs take milliseconds); the wall-clock safety nets far above, so a busy
 * machine never turns an attack's verdict into "not graded".
 */
const testLimits = { cpuMsPerRun: 2000, startupCpuMs: 3000, wallMsPerRun: 120_000, startupWallMs: 120_000, memoryMb: 96 };

beforeAll(ensureBuilt);
afterAll(removeTestFolders);

describe('grader: adversarial submissions', () => {
  for (const adversary of adversaries) {
    it(`${adversary.file}${adversary.isolation === undefined ? '' : ` (${adversary.isolation})`}: ${adversary.attack}`, async () => {
      const folder = testFolder('distlab-adversary-');
      const text = fs.readFileSync(path.join(root, 'grading', 'adversarial', 'counter', adversary.file), 'utf8').replaceAll('__GRADING_ROOT__', root);
      const submission = path.join(folder, adversary.file);
      fs.writeFileSync(submission, text);
      const report = await gradeFixture(submission, { seeds: 1, pages: false, limits: testLimits, ...(adversary.isolation === undefined ? {} : { isolation: adversary.isolation }) });
      const resultsText = fs.readFileSync(path.join(report.outDir, 'results.json'), 'utf8');
      const written = gradescopeResultsSchema.parse(JSON.parse(resultsText));
      expect(resultsText.length).toBeLessThan(100_000);
      expect(report.scratch === null ? [] : processesNaming(report.scratch)).toEqual([]);
      expect(written.score).toBeLessThanOrEqual(adversary.scoreMax);
      const said = [written.output, ...written.tests.map((test) => test.output)].join('\n');
      expect(said).toMatch(adversary.message);
      if (adversary.forbidden !== undefined) expect(JSON.stringify(written)).not.toMatch(adversary.forbidden);
    });
  }
});

describe('grader: oversized submissions are refused before parsing', () => {
  const cases: ReadonlyArray<{ name: string; text: () => string; message: RegExp }> = [
    { name: 'outputs.ipynb', text: () => JSON.stringify({ cells: [{ cell_type: 'code', source: [], outputs: [{ text: 'x'.repeat(9 * 1024 * 1024) }] }] }), message: /is 9\.0 MB; the autograder accepts at most 8\.0 MB\. Clear the notebook's outputs/ },
    { name: 'cells.ipynb', text: () => JSON.stringify({ cells: Array.from({ length: 3000 }, () => ({ cell_type: 'code', source: ['1'] })) }), message: /has 3000 cells; the autograder accepts at most 2000/ },
    { name: 'huge.ts', text: () => `export const padding = '${'y'.repeat(2 * 1024 * 1024)}';\n`, message: /huge\.ts is 2\.0 MB; the autograder accepts at most 1\.0 MB/ },
  ];
  for (const entry of cases) {
    it(`${entry.name}: zero, a sentence naming the limit, a valid results.json`, async () => {
      const folder = testFolder('distlab-oversized-');
      const submission = path.join(folder, entry.name);
      fs.writeFileSync(submission, entry.text());
      const report = await gradeFixture(submission, { seeds: 1, pages: false });
      const written = gradescopeResultsSchema.parse(JSON.parse(fs.readFileSync(path.join(report.outDir, 'results.json'), 'utf8')));
      expect(written.score).toBe(0);
      expect(written.output).toMatch(entry.message);
    });
  }
});
