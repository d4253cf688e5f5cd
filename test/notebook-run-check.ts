// Shared by the test files that execute lecture notebooks (not a test file itself).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { codeCells, describeRun, ensureKernel, executeNotebooks, readNotebook, type KernelSetup, type NotebookRun } from 'distlab/notebook';

const root = path.resolve(__dirname, '..');
export const notebooksDir = path.join(root, 'notebooks');
const cellTimeoutMs = 120_000;
const vegaLiteMime = 'application/vnd.vegalite.v5+json';

/**
 * The lecture notebooks, relative to notebooks/, in four groups run by four test files (one
 * kernel each, see `runLectureNotebooks`) so vitest runs them in parallel and no file passes the
 * 2-minute limit: 00-03 in notebook-execute.test.ts, 04-07 in lecture-notebooks-execute.test.ts,
 * 08 onwards (real mode, read paths) in lecture-notebooks-late.test.ts, and the translations
 * (zh/) in lecture-notebooks-zh.test.ts.
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

/**
 * Runs lecture notebooks (names relative to notebooks/, one folder) one after another in one
 * kernel, reset between them (`executeNotebooks` with `shareKernel`): a kernel start per file
 * instead of per notebook. `saveTo` names where to save a notebook executed, if anywhere.
 */
export async function runLectureNotebooks(names: readonly string[], kernel: KernelSetup, saveTo?: (name: string) => string): Promise<Map<string, NotebookRun>> {
  const runs = await executeNotebooks(
    names.map((name) => ({ file: path.join(notebooksDir, name), ...(saveTo === undefined ? {} : { outputPath: saveTo(name) }) })),
    { cellTimeoutMs, kernel, shareKernel: true },
  );
  return new Map(names.map((name, index) => [name, runs[index] as NotebookRun]));
}

/** Expects every cell of a run to have passed and every `show(` cell to have displayed a Vega-Lite + SVG bundle. */
export function expectNotebookRanWithPlots(name: string, run: NotebookRun | undefined): void {
  expect(run, `${name} did not run`).toBeDefined();
  const ran = run as NotebookRun;
  expect(ran.ok, describeRun(ran)).toBe(true);
  expect(ran.cells.every((cell) => cell.status === 'ok')).toBe(true);
  const plotCells = codeCells(readNotebook(path.join(notebooksDir, name))).filter((cell) => /\bshow\(/.test(cell.source));
  for (const plotCell of plotCells) {
    const cell = ran.cells.find((candidate) => candidate.index === plotCell.index);
    const bundles = cell?.displays.filter((mimes) => mimes.includes(vegaLiteMime) && mimes.includes('image/svg+xml'));
    const message = `${name}: cell ${plotCell.index} calls show() but displayed ${JSON.stringify(cell?.displays)}`;
    expect(bundles?.length ?? 0, message).toBeGreaterThan(0);
  }
}

/** The kernel, after checking the package is built (notebooks import node_modules/distlab, a link into dist/). */
export function builtKernel(): KernelSetup {
  if (!fs.existsSync(path.join(root, 'node_modules/distlab/plot/index.js'))) {
    throw new Error('node_modules/distlab is missing: notebooks import the built package. Run `npm run build` first.');
  }
  return ensureKernel();
}
