// Runs the Raft lab notebook (instructor version: the reference solution in its cells) headlessly
// through Jupyter and tslab, as a student's "Run All" would. The notebook imports the BUILT
// package (node_modules/distlab), so `npm run build` must have run first; `npm test` does that.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCells, describeRun, executeNotebook, readNotebook } from 'distlab/notebook';

const root = path.resolve(__dirname, '../..');
const notebook = path.join(root, 'labs/raft/raft.ipynb');
const vegaLiteMime = 'application/vnd.vegalite.v5+json';

describe('labs/raft/raft.ipynb', () => {
  it('is committed without outputs, with the tslab kernel, and marks its test cells', () => {
    const parsed = readNotebook(notebook);
    expect(parsed.metadata.kernelspec).toEqual({ name: 'tslab', display_name: 'TypeScript', language: 'typescript' });
    const cells = codeCells(parsed);
    expect(parsed.cells.every((cell) => cell.cell_type !== 'code' || (cell.outputs.length === 0 && cell.execution_count === null))).toBe(true);
    expect(cells.filter((cell) => cell.source.startsWith('// distlab: test')).map((cell) => /runPart\('(\w+)'/.exec(cell.source)?.[1])).toEqual(['3A', '3B', '3C', '3D']);
  });

  it('runs top to bottom: every part passes and each test cell shows a table and plots', async () => {
    if (!fs.existsSync(path.join(root, 'node_modules/distlab/index.js'))) {
      throw new Error('node_modules/distlab is missing: notebooks import the built package. Run `npm run build` first.');
    }
    const run = await executeNotebook(notebook, { cellTimeoutMs: 120_000 });
    expect(run.ok, describeRun(run)).toBe(true);
    const testCells = codeCells(readNotebook(notebook)).filter((cell) => cell.source.startsWith('// distlab: test'));
    for (const testCell of testCells) {
      const ran = run.cells.find((cell) => cell.index === testCell.index);
      expect(ran?.displays.some((mimes) => mimes.includes('text/html')), `cell ${testCell.index} shows no table`).toBe(true);
      expect(ran?.displays.some((mimes) => mimes.includes(vegaLiteMime) && mimes.includes('image/svg+xml')), `cell ${testCell.index} shows no plot`).toBe(true);
      expect(ran?.stdout, `cell ${testCell.index}`).toMatch(/passed\nreplay: npx distlab replay raft/);
    }
  });
});
