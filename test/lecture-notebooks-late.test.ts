// Executes lecture notebooks 08 onwards headlessly (08 starts real processes and etcd, 09 runs
// eight read paths), one after another in one kernel: in a file of their own so they run beside
// 04-07 and neither file nears the 2-minute limit. Needs `npm run build` first; `npm test` does that.
import { beforeAll, describe, expect, it } from 'vitest';
import type { NotebookRun } from 'distlab/notebook';
import { builtKernel, expectNotebookRanWithPlots, lectureNotebooks, runLectureNotebooks } from './notebook-run-check';

const notebooks = lectureNotebooks('third');
let runs: Map<string, NotebookRun>;

beforeAll(async () => {
  runs = await runLectureNotebooks(notebooks, builtKernel());
}, 300_000);

describe('lecture notebooks 08 onwards', () => {
  it('Lecture notebooks: 08 and 09 are among them', () => {
    expect(notebooks).toEqual(expect.arrayContaining(['08-real-mode.ipynb', '09-linearizability-read-paths.ipynb']));
  });

  it.each(notebooks)('Lecture notebooks: %s runs headlessly without a failing cell, with its plots', (name) => {
    expectNotebookRanWithPlots(name, runs.get(name));
  });
});
