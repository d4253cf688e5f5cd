// JupyterLab 4 (the project's pinned one) in headless Chromium: the Raft notebook a student
// opens (labs/raft/raft.ipynb, skeleton cells), Run All. Its test cells fail by design: each
// must report that cleanly (a table, "failed:", the replay command, the run's plots drawn by
// JupyterLab's Vega-Lite renderer) with no error output anywhere. The notebook file is opened
// in place (its ./types and ./notebook imports resolve there) with autosave off, and must be
// unchanged afterwards. Screenshot: artifacts/jupyterlab-raft.png.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './browser-support';
import { labProblems, runInJupyterLab } from './browser-jupyterlab';

describe('browser end-to-end: JupyterLab 4', () => {
  it('Browser: JupyterLab 4 runs the Raft student notebook; its test cells report clean failures with charts', async () => {
    const notebook = path.join(root, 'labs/raft/raft.ipynb');
    const before = fs.readFileSync(notebook);
    const checkpoints = path.join(root, 'labs/raft/.ipynb_checkpoints');
    const checkpointsBefore = fs.existsSync(checkpoints);
    const run = await runInJupyterLab('labs/raft/raft.ipynb', 'raft', 150_000).finally(() => {
      if (!checkpointsBefore) fs.rmSync(checkpoints, { recursive: true, force: true }); // JupyterLab's, made on opening
    });
    expect(labProblems(run), `screenshot: ${path.relative(root, run.screenshot)}`).toEqual([]);
    const testCells = run.cells.filter((cell) => cell.source.startsWith('// distlab: test'));
    expect(testCells.length).toBe(4);
    for (const cell of testCells) expect(cell.stdout, `cell ${cell.index + 1}`).toMatch(/failed: [\s\S]*replay: npx distlab replay raft/);
    expect(fs.readFileSync(notebook).equals(before), 'labs/raft/raft.ipynb was modified').toBe(true);
  }, 240_000);
});
