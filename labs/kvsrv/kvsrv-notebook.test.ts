// Runs the kvsrv lab notebook that students open (labs/kvsrv/kvsrv.ipynb: skeleton cells, public
// test cells) headlessly through Jupyter and tslab, as a student's first "Run All" would: every
// code cell compiles and runs, and each test cell reports failing tests cleanly (a table, plots,
// the replay command), never a crash. The instructor version, with the solutions, is
// grading/solutions/kvsrv/kvsrv.ipynb: it runs where it lives (its imports point into the built
// lab, dist/labs/kvsrv) and every public test passes (labs/kvsrv/notebook-check.ts).
// The notebook imports the BUILT package (node_modules/distlab): `npm test` builds first.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCells, readNotebook } from 'distlab/notebook';
import { runAndCheck } from './notebook-check';

const root = path.resolve(__dirname, '../..');
const student = path.join(root, 'labs/kvsrv/kvsrv.ipynb');
const instructor = path.join(root, 'grading/solutions/kvsrv/kvsrv.ipynb');

describe('labs/kvsrv/kvsrv.ipynb (the student notebook)', () => {
  it('is committed without outputs, with the tslab kernel, skeleton cells and a test cell per part', () => {
    const parsed = readNotebook(student);
    expect(parsed.metadata.kernelspec).toEqual({ name: 'tslab', display_name: 'TypeScript', language: 'typescript' });
    expect(parsed.cells.every((cell) => cell.cell_type !== 'code' || (cell.outputs.length === 0 && cell.execution_count === null))).toBe(true);
    const cells = codeCells(parsed);
    expect(cells.filter((cell) => cell.source.startsWith('// distlab: test')).map((cell) => /runPart\('(\w+)'/.exec(cell.source)?.[1])).toEqual(['kv', 'lock']);
    expect(cells.filter((cell) => cell.source.includes('// Your code here.')).length).toBeGreaterThanOrEqual(3);
  });

  it('runs top to bottom: every cell runs, each test cell reports failures with a table, plots and the replay command', async () => {
    await runAndCheck(student, 2, /\(seed 1\) failed: .+not written yet.+\nreplay: npx distlab replay kvsrv \w+ --seed 1 --impl labs\/kvsrv\/kvsrv.ipynb/);
  }, 300_000);
});

describe('grading/solutions/kvsrv/kvsrv.ipynb (the instructor notebook)', () => {
  it('runs headlessly where it lives: every public test passes, each test cell shows a table and plots', async () => {
    await runAndCheck(instructor, 2, /\w+ \(seed 1\) passed\nreplay: npx distlab replay kvsrv \w+ --seed 1/);
  }, 300_000);
});

