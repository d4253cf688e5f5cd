// Shared by the two test files that execute lecture notebooks (not a test file itself).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { codeCells, describeRun, ensureKernel, executeNotebook, readNotebook, type KernelSetup, type NotebookRun } from 'distlab/notebook';

const root = path.resolve(__dirname, '..');
export const notebooksDir = path.join(root, 'notebooks');
const cellTimeoutMs = 120_000;
const vegaLiteMime = 'application/vnd.vegalite.v5+json';

/**
 * The lecture notebooks, relative to notebooks/, in four groups run by four test files so
 * vitest runs them in parallel and no file passes the 2-minute limit: 00-03 in
 * notebook-execute.test.ts, 04-07 in lecture-notebooks-execute.test.ts, 08 onwards (real mode,
 * read paths) in lecture-notebooks-late.test.ts, and the translations (zh/) in
 * lecture-notebooks-zh.test.ts.
 */
export function lectureNotebooks(group: 'first' | 'second' | 'third' | 'translations'): string[] {
  const all = fs.readdirSync(notebooksDir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ipynb') && !name.includes('.ipynb_checkpoints'))
    .sort();
  const groupOf = (name: string): string => {
    if (name.includes(path.sep)) return 'translations';
    const number = Number(name.slice(0, 2));
    return number < 4 ? 'first' : number < 8 ? 'second' : 'third';
  };
  return all.filter((name) => groupOf(name) === group);
}

/** Runs a notebook and expects every cell to pass and every `show(` cell to display a Vega-Lite + SVG bundle. */
export async function expectNotebookRunsWithPlots(name: string, kernel: KernelSetup, outputPath?: string): Promise<NotebookRun> {
  const file = path.join(notebooksDir, name);
  const run = await executeNotebook(file, { cellTimeoutMs, kernel, ...(outputPath === undefined ? {} : { outputPath }) });
  expect(run.ok, describeRun(run)).toBe(true);
  expect(run.cells.every((cell) => cell.status === 'ok')).toBe(true);
  const plotCells = codeCells(readNotebook(file)).filter((cell) => /\bshow\(/.test(cell.source));
  for (const plotCell of plotCells) {
    const ran = run.cells.find((cell) => cell.index === plotCell.index);
    const bundles = ran?.displays.filter((mimes) => mimes.includes(vegaLiteMime) && mimes.includes('image/svg+xml'));
    const message = `${name}: cell ${plotCell.index} calls show() but displayed ${JSON.stringify(ran?.displays)}`;
    expect(bundles?.length ?? 0, message).toBeGreaterThan(0);
  }
  return run;
}

/** The kernel, after checking the package is built (notebooks import node_modules/distlab, a link into dist/). */
export function builtKernel(): KernelSetup {
  if (!fs.existsSync(path.join(root, 'node_modules/distlab/plot/index.js'))) {
    throw new Error('node_modules/distlab is missing: notebooks import the built package. Run `npm run build` first.');
  }
  return ensureKernel();
}
