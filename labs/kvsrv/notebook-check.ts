/**
 * The check of a lab notebook run headlessly (labs/kvsrv and labs/kvraft notebook tests): every
 * cell runs, and each test cell shows a results table, a plot (Vega-Lite with its SVG) and a
 * result line. Test helper: imports vitest.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { codeCells, describeRun, executeNotebook, readNotebook } from 'distlab/notebook';

const root = path.resolve(__dirname, '../..');
const vegaLiteMime = 'application/vnd.vegalite.v5+json';

function requireBuild(): void {
  if (!fs.existsSync(path.join(root, 'node_modules/distlab/index.js'))) {
    throw new Error('node_modules/distlab is missing: notebooks import the built package. Run `npm run build` first.');
  }
}

/**
 * Runs a notebook; checks every test cell (`parts` of them) showed a table, a plot, and a result
 * line matching `result`. Returns each test cell's stdout.
 */
export async function runAndCheck(notebook: string, parts: number, result: RegExp): Promise<string[]> {
  requireBuild();
  const run = await executeNotebook(notebook, { cellTimeoutMs: 120_000 });
  expect(run.ok, describeRun(run)).toBe(true);
  const testCells = codeCells(readNotebook(notebook)).filter((cell) => cell.source.startsWith('// distlab: test'));
  expect(testCells).toHaveLength(parts);
  return testCells.map((testCell) => {
    const ran = run.cells.find((cell) => cell.index === testCell.index);
    expect(ran?.displays.some((mimes) => mimes.includes('text/html')), `cell ${testCell.index} shows no table`).toBe(true);
    expect(ran?.displays.some((mimes) => mimes.includes(vegaLiteMime) && mimes.includes('image/svg+xml')), `cell ${testCell.index} shows no plot`).toBe(true);
    expect(ran?.stdout, `cell ${testCell.index}`).toMatch(result);
    return ran?.stdout ?? '';
  });
}

