// Executes the Chinese lecture notebooks (notebooks/zh/, built from notebooks/src/zh/ with the
// English code cells) headlessly and checks that their charts carry Chinese text that the PNG
// fallback can draw. Needs `npm run build` first; `npm test` does that.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNotebook, type KernelSetup } from 'distlab/notebook';
import { findFontFiles } from 'distlab/plot';
import { builtKernel, expectNotebookRunsWithPlots, lectureNotebooks } from './notebook-run-check';

const root = path.resolve(__dirname, '..');
const notebooks = lectureNotebooks('translations');
let kernel: KernelSetup;

beforeAll(() => {
  kernel = builtKernel();
});

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

  it.each(notebooks)('Lecture notebooks (zh): %s runs headlessly, every chart titled and labelled in Chinese', async (name) => {
    const executed = path.join(root, 'artifacts', 'executed', name);
    fs.mkdirSync(path.dirname(executed), { recursive: true });
    await expectNotebookRunsWithPlots(name, kernel, executed);
    const svgs = chartSvgs(executed);
    expect(svgs.length).toBeGreaterThan(0);
    for (const svg of svgs) expect(svg, `${name}: a chart without Chinese text`).toMatch(/[\u4e00-\u9fff]/);
  });
});
