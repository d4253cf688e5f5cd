// Executes the MapReduce lab notebook that students open (labs/mapreduce/mapreduce.ipynb: the
// skeleton's classes, the test cells) headlessly through Jupyter with the tslab kernel: every
// cell runs, and the tests report the unwritten worker as a clear failure, not a crash of the
// notebook. The instructor version is grading/solutions/mapreduce/mapreduce.ipynb.
// Notebooks import the BUILT package, so `npm run build` must have run first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, ensureKernel, executeNotebook } from 'distlab/notebook';

const root = path.resolve(__dirname, '..', '..');

describe('labs/mapreduce/mapreduce.ipynb (the student notebook)', () => {
  it('Lab notebook: runs headlessly top to bottom; the skeleton fails the tests clearly; the Gantt chart is shown', async () => {
    for (const built of ['node_modules/distlab/index.js', 'node_modules/distlab/plot/index.js']) {
      if (!fs.existsSync(path.join(root, built))) throw new Error(`${built} is missing: notebooks import the built package. Run \`npm run build\` first.`);
    }
    const run = await executeNotebook(path.join(root, 'labs', 'mapreduce', 'mapreduce.ipynb'), { cellTimeoutMs: 120_000, kernel: ensureKernel() });
    expect(run.ok, describeRun(run)).toBe(true);
    const output = run.cells.map((cell) => cell.stdout).join('\n');
    expect(output).toMatch(/Worker\.run\(\) is not written yet/);
    const last = run.cells[run.cells.length - 1];
    expect(last?.stdout).toContain('TestCrashWorker failed');
    expect(last?.displays.some((mimes) => mimes.includes('application/vnd.vegalite.v5+json') && mimes.includes('image/svg+xml'))).toBe(true);
  }, 180_000);
});
