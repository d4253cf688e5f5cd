/**
 * The adversarial catalogue (grading/adversarial/catalogue.ts) against the grader, with short
 * wall-clock limits: each attack gets no credit for what it broke, a clear message, and a valid
 * results.json; the grader always finishes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { adversaries } from './adversarial/catalogue';
import { ensureBuilt, gradeFixture } from './grader/test-support';
import { gradescopeResultsSchema } from './grader/results-schema';

const root = path.resolve(__dirname, '..');

beforeAll(ensureBuilt);

describe('grader: adversarial submissions', () => {
  for (const adversary of adversaries) {
    it(`${adversary.file}: ${adversary.attack}`, async () => {
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-adversary-'));
      const text = fs.readFileSync(path.join(root, 'grading', 'adversarial', 'counter', adversary.file), 'utf8').replaceAll('__GRADING_ROOT__', root);
      const submission = path.join(folder, adversary.file);
      fs.writeFileSync(submission, text);
      const started = Date.now();
      const report = await gradeFixture(submission, { seeds: 1, pages: false, limits: { wallMsPerRun: 3000, startupWallMs: 10_000, memoryMb: 96 } });
      expect(Date.now() - started).toBeLessThan(60_000);
      const written = gradescopeResultsSchema.parse(JSON.parse(fs.readFileSync(path.join(report.outDir, 'results.json'), 'utf8')));
      expect(written.score).toBeLessThanOrEqual(adversary.scoreMax);
      const said = [written.output, ...written.tests.map((test) => test.output)].join('\n');
      expect(said).toMatch(adversary.message);
    });
  }
});
