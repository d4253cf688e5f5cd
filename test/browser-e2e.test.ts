// The one end-to-end test in a real browser: the classic Jupyter Notebook server (Debian's
// jupyter-notebook) serves the checkout, headless Chromium (Debian's, driven by playwright-core)
// opens the MapReduce lecture notebook, runs every cell as a student's "Run All" would, and we
// check what is drawn on the page: the chart (classic Notebook shows the PNG of our bundle) and
// no cell with an error. A screenshot goes to artifacts/browser-e2e.png.
//
// The notebook is run from a copy under artifacts/ (gitignored), so nothing in notebooks/ is
// ever modified, and autosave is switched off in the page as well. Missing Jupyter or Chromium
// fails the test with what to install: it never skips silently.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ensureKernel, jupyterInstallAdvice, kernelEnv } from 'distlab/notebook';
import { artifactsDir, chromiumArgs, findChromium, onPath, root, serverStartMsMax, sleep, startServer, stopServer, tail, teardownMsMax, type Server } from './browser-support';

// Functions passed to page.evaluate run in the browser. The project compiles without the DOM
// library, so the browser globals they use are declared loosely, in this module only.
declare const window: any;
declare const document: any;

const screenshotFile = path.join(artifactsDir, 'browser-e2e.png');
/** The notebook under test; the runtime tour stands in until the MapReduce lecture exists. */
const targetNotebook = 'notebooks/01-introduction-and-mapreduce.ipynb';
const standInNotebook = 'notebooks/00-runtime-tour.ipynb';

/** Bounds: server start, kernel start, Run All, teardown. Their sum stays under the test limit. */
const kernelReadyMsMax = 60_000;
const runAllMsMax = 45_000;
const testTimeoutMs = serverStartMsMax + kernelReadyMsMax + runAllMsMax + teardownMsMax + 5_000;

/** `jupyter` whose `notebook` subcommand runs (the classic Notebook 6 server). */
function findJupyterNotebook(env: NodeJS.ProcessEnv): string {
  const candidates = [onPath('jupyter'), '/usr/bin/jupyter'].filter((candidate): candidate is string => candidate !== null && fs.existsSync(candidate));
  for (const jupyter of [...new Set(candidates)]) {
    const probe = spawnSync(jupyter, ['notebook', '--version'], { env, encoding: 'utf8', timeout: 30_000 });
    if (probe.status === 0) return jupyter;
  }
  throw new Error(
    'browser E2E: `jupyter notebook` (the classic Notebook server) is not installed. ' +
      'On Debian/Ubuntu: `sudo apt-get install jupyter-notebook`. ' + jupyterInstallAdvice,
  );
}

/** What the page says about each code cell after Run All. */
interface CellReport {
  index: number;
  source: string;
  prompt: number | string | null;
  outputTypes: string[];
  stderr: string;
  images: Array<{ kind: 'png' | 'svg'; width: number; height: number }>;
}

async function waitForKernel(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const jupyter = (window as any).Jupyter;
      const kernel = jupyter?.notebook?.kernel;
      return Boolean(kernel && kernel.is_connected() && !jupyter.notebook.kernel_busy);
    },
    undefined,
    { timeout: kernelReadyMsMax, polling: 200 },
  );
}

/** Runs every cell and waits until none is running and the kernel is idle (twice in a row). */
async function runAll(page: Page): Promise<void> {
  await page.evaluate(() => {
    const notebook = (window as any).Jupyter.notebook;
    notebook.set_autosave_interval(0); // never write the notebook back
    notebook.execute_all_cells();
  });
  await page.waitForFunction(
    () => {
      const w = window as any;
      const idle = document.querySelectorAll('.cell.running').length === 0 && !w.Jupyter.notebook.kernel_busy;
      const settled = idle && w.__distlabIdleOnce === true;
      w.__distlabIdleOnce = idle;
      return settled;
    },
    undefined,
    { timeout: runAllMsMax, polling: 500 },
  );
}

async function reportCells(page: Page): Promise<CellReport[]> {
  return page.evaluate(() => {
    const cells = (window as any).Jupyter.notebook.get_cells() as any[];
    return cells
      .map((cell, index) => ({ cell, index }))
      .filter(({ cell }) => cell.cell_type === 'code')
      .map(({ cell, index }) => {
        const outputs = (cell.output_area?.outputs ?? []) as any[];
        const element = cell.element[0] as any;
        const images: Array<{ kind: 'png' | 'svg'; width: number; height: number }> = [];
        for (const image of Array.from(element.querySelectorAll('.output_area img')) as any[]) {
          if (image.src.startsWith('data:image/png')) images.push({ kind: 'png', width: image.naturalWidth, height: image.naturalHeight });
        }
        for (const svg of Array.from(element.querySelectorAll('.output_area svg')) as any[]) {
          const box = svg.getBoundingClientRect();
          images.push({ kind: 'svg', width: box.width, height: box.height });
        }
        const stderrText = outputs
          .filter((output) => (output.output_type === 'stream' && output.name === 'stderr') || output.output_type === 'error')
          .map((output) => String(output.text ?? `${output.ename}: ${output.evalue}`))
          .join('');
        const domStderr = Array.from(element.querySelectorAll('.output_stderr, .output_error'))
          .map((node: any) => String(node.innerText))
          .join('\n');
        return {
          index,
          source: cell.get_text() as string,
          prompt: cell.input_prompt_number ?? null,
          outputTypes: outputs.map((output) => String(output.output_type)),
          stderr: stderrText || domStderr,
          images,
        };
      });
  });
}

function notebookUnderTest(): { relative: string; standIn: boolean } {
  const chosen = process.env.DISTLAB_E2E_NOTEBOOK; // e.g. to try the test on another notebook
  if (chosen !== undefined && chosen.length > 0) return { relative: chosen, standIn: false };
  if (fs.existsSync(path.join(root, targetNotebook))) return { relative: targetNotebook, standIn: false };
  return { relative: standInNotebook, standIn: true };
}

describe('browser end-to-end', () => {
  it(
    'Browser: classic Notebook + tslab + Chromium run the MapReduce lecture notebook and draw its chart',
    async () => {
      const executablePath = findChromium();
      const kernel = ensureKernel();
      const env = kernelEnv(kernel);
      const jupyter = findJupyterNotebook(env);
      for (const built of ['node_modules/distlab/index.js', 'node_modules/distlab/plot/index.js']) {
        if (!fs.existsSync(path.join(root, built))) throw new Error(`${built} is missing: notebooks import the built package. Run \`npm run build\` first.`);
      }

      const { relative, standIn } = notebookUnderTest();
      if (standIn) console.warn(`browser E2E: ${targetNotebook} does not exist yet; running ${standInNotebook} instead.`);
      const original = path.join(root, relative);
      const originalBytes = fs.readFileSync(original);
      // A copy under artifacts/ (gitignored), next to nothing else: its cwd still finds node_modules/distlab.
      fs.mkdirSync(artifactsDir, { recursive: true });
      const copyDir = fs.mkdtempSync(path.join(artifactsDir, 'browser-e2e-'));
      const copy = path.join(copyDir, path.basename(relative));
      fs.copyFileSync(original, copy);
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-e2e-'));

      let server: Server | null = null;
      let browser: Browser | null = null;
      try {
        server = await startServer({
          jupyter,
          env,
          scratch,
          args: (port, token) => ['notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', `--NotebookApp.token=${token}`, "--NotebookApp.password=''", `--notebook-dir=${root}`],
        });
        browser = await chromium.launch({ executablePath, args: chromiumArgs, timeout: 30_000 });
        const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        const url = `${server.base}/notebooks/${path.relative(root, copy).split(path.sep).join('/')}?token=${server.token}`;
        await page.goto(url, { waitUntil: 'load', timeout: 20_000 });
        await waitForKernel(page).catch((error: unknown) => {
          throw new Error(`the tslab kernel did not become ready within ${kernelReadyMsMax} ms (${String(error)}); server log:\n${tail(server?.log() ?? '')}`);
        });
        await runAll(page).catch((error: unknown) => {
          throw new Error(`Run All did not finish within ${runAllMsMax} ms (${String(error)})`);
        });
        const cells = await reportCells(page);

        // The MapReduce chart: the plot cell that names it (a Gantt chart of tasks), else the last
        // plot. The screenshot is centred on it.
        const plotCells = cells.filter((cell) => /\bshow\(/.test(cell.source));
        const mapReducePlot = plotCells.find((cell) => /gantt|map\s*reduce/i.test(cell.source)) ?? plotCells[plotCells.length - 1];
        if (mapReducePlot !== undefined) {
          await page.evaluate((index) => {
            const cell = (window as any).Jupyter.notebook.get_cell(index);
            (cell.output_area.element[0] as any).scrollIntoView({ block: 'center' });
          }, mapReducePlot.index);
          await page.waitForTimeout(200);
        }
        await page.screenshot({ path: screenshotFile });

        // Every problem at once, so one run tells the whole story.
        const problems: string[] = [];
        for (const cell of cells) {
          if (cell.stderr.length > 0) problems.push(`cell ${cell.index} shows an error:\n${cell.stderr.slice(0, 600)}`);
          else if (cell.source.trim().length > 0 && typeof cell.prompt !== 'number') {
            problems.push(`cell ${cell.index} has no prompt number (${JSON.stringify(cell.prompt)}): aborted or never run`);
          }
        }
        if (mapReducePlot === undefined) problems.push(`${relative} has no cell that calls show(...): no chart to look for`);
        else console.info(`browser E2E: the chart checked and centred in the screenshot is the output of cell ${mapReducePlot.index}`);
        for (const cell of plotCells) {
          const drawn = cell.images.filter((image) => image.width > 100 && image.height > 50);
          if (drawn.length === 0) {
            problems.push(`cell ${cell.index} calls show() but no chart is drawn (outputs ${JSON.stringify(cell.outputTypes)}, images ${JSON.stringify(cell.images)})`);
          }
        }
        expect(problems, `${relative} in the browser (screenshot: ${path.relative(root, screenshotFile)})`).toEqual([]);
        expect(pageErrors, 'JavaScript errors on the page').toEqual([]);
        expect(fs.readFileSync(original).equals(originalBytes), `${relative} was modified`).toBe(true);
      } finally {
        if (browser !== null) await Promise.race([browser.close().catch(() => undefined), sleep(teardownMsMax / 2)]);
        if (server !== null) await stopServer(server);
        fs.rmSync(copyDir, { recursive: true, force: true });
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    },
    testTimeoutMs,
  );
});
