// Executes lecture notebooks 08 onwards headlessly (08 starts real processes and etcd, 09 runs
// eight read paths): in a file of their own so they run beside 04-07 and neither file nears the
// 2-minute limit. Needs `npm run build` first; `npm test` does that.
import { beforeAll, describe, expect, it } from 'vitest';
import type { KernelSetup } from 'distlab/notebook';
import { builtKernel, expectNotebookRunsWithPlots, lectureNotebooks } from './notebook-run-check';

const notebooks = lectureNotebooks('third');
let kernel: KernelSetup;

beforeAll(() => {
  kernel = builtKernel();
});

describe('lecture notebooks 08 onwards', () => {
  it('Lecture notebooks: 08 and 09 are among them', () => {
    expect(notebooks).toEqual(expect.arrayContaining(['08-real-mode.ipynb', '09-linearizability-read-paths.ipynb']));
  });

  it.each(notebooks)('Lecture notebooks: %s runs headlessly without a failing cell, with its plots', async (name) => {
    await expectNotebookRunsWithPlots(name, kernel);
  });
});
