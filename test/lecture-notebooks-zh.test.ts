// Executes the Chinese lecture notebooks (notebooks/zh/, built from notebooks/src/zh/ with the
// English code cells) headlessly, one after another in one kernel, and checks that their charts
// carry Chinese text that the PNG fallback can draw. Needs `npm run build` first; `npm test`
// does that.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNotebook, type NotebookRun } from 'distlab/notebook';
import { findFontFiles } from 'distlab/plot';
import { builtKernel, expectNotebookRanWithPlots, lectureNotebooks, runLectureNotebooks } from './notebook-run-check';

const root = path.resolve(__dirname, '..');
const notebooks = lectureNotebooks('translations');
const executed = (name: string): string => path.join(root, 'artifacts', 'executed', name);
let runs: Map<string, NotebookRun>;

beforeAll(async () => {
  for (const name of notebooks) fs.mkdirSync(path.dirname(executed(name)), { recursive: true });
  runs = await runLectureNotebooks(notebooks, builtKernel(), executed);
}, 300_000);

/** The SVG text of every chart an executed notebook displayed. */
function chartSvgs(file: string): string[] {
  return readNotebook(file)
    .cells.flatMap((cell) => (cell.cell_type === 'code' ? cell.outputs : []))
    .map((output) => (output as { data?: Record<string, unknown> }).data?.['image/svg+xml'])
    .filter((svg) => svg !== undefined)
    .map((svg) => (Array.isArray(svg) ? svg.join('') : String(svg)));
}

describe('Chinese lecture notebooks', () => {
  it('Lecture notebooks (zh): the PNG fallback has a CJK font (else labels are boxes; apt-get install fonts-noto-cjk, see .ci/run)', () => {
    expect(notebooks).toEqual(expect.arrayContaining(['01-introduction-and-mapreduce.ipynb', '02-threads-and-rpc.ipynb', '03-gfs.ipynb'].map((name) => path.join('zh', name))));
    expect(findFontFiles().filter((file) => /CJK|PingFang/.test(file))).not.toEqual([]);
  });

  it.each(notebooks)('Lecture notebooks (zh): %s runs headlessly, every chart titled and labelled in Chinese', (name) => {
    expectNotebookRanWithPlots(name, runs.get(name));
    const svgs = chartSvgs(executed(name));
    expect(svgs.length).toBeGreaterThan(0);
    for (const svg of svgs) expect(svg, `${name}: a chart without Chinese text`).toMatch(/[\u4e00-\u9fff]/);
  });
});
