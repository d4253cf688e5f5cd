// Executes notebooks through Jupyter with the project's tslab kernel, exactly as a student's
// "Run All" would, but headlessly. Notebooks import the BUILT package (node_modules/distlab, a
// link into dist/), so `npm run build` must have run first; `npm test` does that.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, ensureKernel, executeNotebook, type KernelSetup } from 'distlab/notebook';
import { expectNotebookRunsWithPlots, lectureNotebooks } from './notebook-run-check';

const root = path.resolve(__dirname, '..');
const cellTimeoutMs = 120_000;

// 00-03 here; 04 onwards and translations in lecture-notebooks-execute.test.ts (run in parallel).
const notebooks = lectureNotebooks('first');

let kernel: KernelSetup;

beforeAll(() => {
  for (const built of ['node_modules/distlab/index.js', 'node_modules/distlab/plot/index.js']) {
    if (!fs.existsSync(path.join(root, built))) {
      throw new Error(`${built} is missing: notebooks import the built package. Run \`npm run build\` first.`);
    }
  }
  kernel = ensureKernel();
});

describe('notebooks/', () => {
  it('Notebooks: the runtime tour is among them', () => {
    expect(notebooks).toContain('00-runtime-tour.ipynb');
  });

  it.each(notebooks)('Notebooks: %s runs headlessly without a failing cell, with its plots', async (name) => {
    await expectNotebookRunsWithPlots(name, kernel);
  });
});

describe('executeNotebook', () => {
  it('Runner: failing cells are reported at their index and later cells still run (abort window)', async () => {
    const file = path.join(root, 'test', 'fixtures', 'notebooks', 'failing-cells.ipynb');
    const run = await executeNotebook(file, { cellTimeoutMs, kernel });
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
});
