// JupyterLab 4 (the project's pinned one) in headless Chromium: the MapReduce lecture notebook,
// Run All, no error output, every plot drawn natively by JupyterLab's Vega-Lite renderer.
// Screenshot: artifacts/jupyterlab-01.png. The notebook runs from a copy under artifacts/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactsDir, root } from './browser-support';
import { labProblems, runInJupyterLab } from './browser-jupyterlab';

describe('browser end-to-end: JupyterLab 4', () => {
  it('Browser: JupyterLab 4 runs notebook 01 and draws its Vega-Lite charts natively', async () => {
    const original = path.join(root, 'notebooks/01-introduction-and-mapreduce.ipynb');
    fs.mkdirSync(artifactsDir, { recursive: true });
    const copyDir = fs.mkdtempSync(path.join(artifactsDir, 'jupyterlab-01-'));
    fs.copyFileSync(original, path.join(copyDir, 'lecture-01.ipynb'));
    try {
      const run = await runInJupyterLab(path.relative(root, path.join(copyDir, 'lecture-01.ipynb')), '01', 90_000);
      expect(labProblems(run), `screenshot: ${path.relative(root, run.screenshot)}`).toEqual([]);
      expect(run.cells.reduce((sum, cell) => sum + cell.vegaCharts, 0)).toBeGreaterThanOrEqual(3);
    } finally {
      fs.rmSync(copyDir, { recursive: true, force: true });
    }
  }, 180_000);
});
