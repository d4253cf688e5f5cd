// Executes lecture notebooks 04 to 07 headlessly, one after another in one kernel (reset between
// them), as notebook-execute.test.ts does for 00-03 and lecture-notebooks-zh.test.ts for the
// translations; separate files so vitest runs them in parallel. Needs `npm run build` first
// (notebooks import the built package); `npm test` does that.
import { beforeAll, describe, expect, it } from 'vitest';
import type { NotebookRun } from 'distlab/notebook';
import { builtKernel, expectNotebookRanWithPlots, lectureNotebooks, runLectureNotebooks } from './notebook-run-check';

const notebooks = lectureNotebooks('second');
let runs: Map<string, NotebookRun>;

beforeAll(async () => {
  runs = await runLectureNotebooks(notebooks, builtKernel());
}, 300_000);

describe('lecture notebooks 04 to 07', () => {
  it('Lecture notebooks: 04 to 07 are among them', () => {
    expect(notebooks).toEqual(expect.arrayContaining(['04-primary-backup.ipynb', '05-raft.ipynb', '06-linearizability-and-testing.ipynb', '07-distributed-transactions.ipynb']));
  });

  it.each(notebooks)('Lecture notebooks: %s runs headlessly without a failing cell, with its plots', (name) => {
    expectNotebookRanWithPlots(name, runs.get(name));
  });
});
