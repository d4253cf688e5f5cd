// Executes the lab notebook (instructor version) headlessly through Jupyter with the tslab
// kernel: every cell must run, the reference must pass the tests, and the Gantt chart must be
// drawn. Notebooks import the BUILT package, so `npm run build` must have run first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, ensureKernel, executeNotebook } from 'distlab/notebook';

const root = path.resolve(__dirname, '..', '..');

describe('labs/mapreduce/mapreduce.ipynb', () => {
  it('Lab notebook: runs headlessly top to bottom, the reference passes, the Gantt chart is shown', async () => {
    for (const built of ['node_modules/distlab/index.js', 'node_modules/distlab/plot/index.js']) {
      if (!fs.existsSync(path.join(root, built))) throw new Error(`${built} is missing: notebooks import the built package. Run \`npm run build\` first.`);
    }
    const run = await executeNotebook(path.join(root, 'labs', 'mapreduce', 'mapreduce.ipynb'), { cellTimeoutMs: 120_000, kernel: ensureKernel() });
    expect(run.ok, describeRun(run)).toBe(true);
    const last = run.cells[run.cells.length - 1];
    expect(last?.stdout).toContain('TestCrashWorker passed');
    expect(last?.displays.some((mimes) => mimes.includes('application/vnd.vegalite.v5+json') && mimes.includes('image/svg+xml'))).toBe(true);
  }, 180_000);
});
