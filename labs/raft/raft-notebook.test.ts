// Runs the Raft lab notebook that students open (labs/raft/raft.ipynb: skeleton cells, public
// test cells) headlessly through Jupyter and tslab, as a student's first "Run All" would: every
// code cell compiles and runs, and each test cell reports failing tests cleanly (a table, the
// plots of the first failure, the replay command), never a crash. The instructor version, with
// the solutions, is grading/solutions/raft/raft.ipynb (graded in grading/grader.test.ts).
// The notebook imports the BUILT package (node_modules/distlab): `npm test` builds first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCells, describeRun, executeNotebook, readNotebook } from 'distlab/notebook';

const root = path.resolve(__dirname, '../..');
const notebook = path.join(root, 'labs/raft/raft.ipynb');
const vegaLiteMime = 'application/vnd.vegalite.v5+json';

describe('labs/raft/raft.ipynb (the student notebook)', () => {
  it('is committed without outputs, with the tslab kernel, skeleton cells per part and marked test cells', () => {
    const parsed = readNotebook(notebook);
    expect(parsed.metadata.kernelspec).toEqual({ name: 'tslab', display_name: 'TypeScript', language: 'typescript' });
    const cells = codeCells(parsed);
    expect(parsed.cells.every((cell) => cell.cell_type !== 'code' || (cell.outputs.length === 0 && cell.execution_count === null))).toBe(true);
    expect(cells.filter((cell) => cell.source.startsWith('// distlab: test')).map((cell) => /runPart\('(\w+)'/.exec(cell.source)?.[1])).toEqual(['3A', '3B', '3C', '3D']);
    for (const part of ['3A', '3B', '3C', '3D']) expect(cells.some((cell) => cell.source.includes(`// Your code here (${part}).`)), part).toBe(true);
  });

  it('runs top to bottom: every cell runs, each test cell reports failures with a table, plots and the replay command', async () => {
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
      expect(ran?.stdout, `cell ${testCell.index}`).toMatch(/\(seed 1\) failed: .+\nreplay: npx distlab replay raft \w+ --seed 1 --impl labs\/raft\/raft.ipynb/);
    }
  }, 300_000);
});
