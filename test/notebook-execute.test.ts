// Executes notebooks through Jupyter with the project's tslab kernel, exactly as a student's
// "Run All" would, but headlessly: lecture notebooks 00-03 one after another in one kernel
// (reset between them), and the runner's own fixtures. Notebooks import the BUILT package
// (node_modules/distlab, a link into dist/), so `npm run build` must have run first; `npm test`
// does that.
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, executeNotebooks, type NotebookRun } from 'distlab/notebook';
import { builtKernel, expectNotebookRanWithPlots, lectureNotebooks, runLectureNotebooks } from './notebook-run-check';

const root = path.resolve(__dirname, '..');
const fixtures = path.join(root, 'test', 'fixtures', 'notebooks');

// 00-03 here; 04 onwards and translations in the other lecture-notebooks-*.test.ts files (run in parallel).
const notebooks = lectureNotebooks('first');
let lectures: Map<string, NotebookRun>;
let failing: NotebookRun;
let first: NotebookRun;
let second: NotebookRun;

beforeAll(async () => {
  const kernel = builtKernel();
  lectures = await runLectureNotebooks(notebooks, kernel);
  [failing, first, second] = (await executeNotebooks(
    ['failing-cells.ipynb', 'shares-kernel-first.ipynb', 'shares-kernel-second.ipynb'].map((name) => ({ file: path.join(fixtures, name) })),
    { cellTimeoutMs: 120_000, kernel, shareKernel: true },
  )) as [NotebookRun, NotebookRun, NotebookRun];
}, 300_000);

describe('notebooks/', () => {
  it('Notebooks: the runtime tour is among them', () => {
    expect(notebooks).toContain('00-runtime-tour.ipynb');
  });

  it.each(notebooks)('Notebooks: %s runs headlessly without a failing cell, with its plots', (name) => {
    expectNotebookRanWithPlots(name, lectures.get(name));
  });

  it('Notebooks: the lecture notebooks of one test file share one kernel start', () => {
    expect(notebooks.map((name) => lectures.get(name)?.kernelReused)).toEqual(notebooks.map((_, index) => index > 0));
  });
});

describe('executeNotebook', () => {
  it('Runner: failing cells are reported at their index and later cells still run (abort window)', () => {
    const run = failing;
    expect(run.ok).toBe(false);
    expect(run.error).toBeNull();
    expect(run.failures.map((cell) => cell.index)).toEqual([2, 4, 5]);
    const byIndex = new Map(run.cells.map((cell) => [cell.index, cell]));
    expect(byIndex.get(2)?.status).toBe('error');
    expect(byIndex.get(2)?.stderr).toContain('deliberate failure in cell 3');
    expect(byIndex.get(4)?.status).toBe('error'); // a type error stops the cell
    expect(byIndex.get(4)?.stderr).toMatch(/not assignable to type 'number'/);
    expect(byIndex.get(5)?.status).toBe('ok'); // ran, but wrote to stderr
    expect(byIndex.get(3)).toMatchObject({ status: 'ok', stdout: 'ran after the exception\n', failed: false });
    expect(byIndex.get(6)).toMatchObject({ status: 'ok', stdout: 'still running, before = 1\n', failed: false });
    expect(describeRun(run)).toMatch(/cell 3 failed \(error\)\n[\s\S]*deliberate failure in cell 3/);
  });

  it('Runner: notebooks sharing a kernel see nothing of the notebooks before them, and still import distlab', () => {
    expect(first.ok, describeRun(first)).toBe(true);
    expect([failing.kernelReused, first.kernelReused, second.kernelReused]).toEqual([false, true, true]);
    const [value, leftover, fresh] = second.cells;
    expect(value?.stderr).toMatch(/Cannot find name 'carriedOver'/);
    expect(leftover?.stderr).toMatch(/Cannot find name 'Leftover'/);
    expect(fresh).toMatchObject({ status: 'ok', stdout: 'function declared afresh\n', failed: false });
  });
});
