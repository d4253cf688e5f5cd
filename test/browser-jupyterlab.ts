/**
 * Runs a notebook in JupyterLab 4 (the project's own, from requirements-jupyter.txt, in
 * .jupyter-local/venv) in headless Chromium, as a student's "Run All" would, and reports what
 * the page shows per code cell: stderr outputs, whether it ran, and the Vega-Lite charts that
 * JupyterLab drew itself (`.vega-embed` holding an svg or canvas). Saves a screenshot under
 * artifacts/. Used by the browser-jupyterlab-*.test.ts files (one notebook each, so each file
 * stays short and they run side by side).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureKernel, kernelEnv, projectVenv, venvReady } from 'distlab/notebook';
import { artifactsDir, chromiumArgs, findChromium, root, sleep, startServer, stopServer, tail, teardownMsMax, type Server } from './browser-support';

// Functions passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const window: any;
declare const document: any;

export interface LabCellReport {
  index: number;
  source: string;
  executionCount: number | null;
  stderr: string;
  stdout: string;
  /** Charts drawn by JupyterLab's Vega renderer: a `.vega-embed` with an svg or canvas inside. */
  vegaCharts: number;
}

export interface LabRun {
  readonly cells: LabCellReport[];
  readonly pageErrors: string[];
  readonly screenshot: string;
}

const kernelReadyMsMax = 60_000;

/** JupyterLab settings for the test: nothing is saved, every cell stays in the DOM, no news. */
const userSettings: Record<string, unknown> = {
  '@jupyterlab/docmanager-extension/plugin.jupyterlab-settings': { autosave: false },
  '@jupyterlab/notebook-extension/tracker.jupyterlab-settings': { windowingMode: 'none' },
  '@jupyterlab/apputils-extension/notification.jupyterlab-settings': { fetchNews: 'false', checkForUpdates: false },
};

function writeUserSettings(scratch: string): string {
  const dir = path.join(scratch, 'user-settings');
  for (const [file, value] of Object.entries(userSettings)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), JSON.stringify(value));
  }
  return dir;
}

/** The project JupyterLab, or an error saying how to install it. */
export function projectJupyterLab(): string {
  const venv = projectVenv(root);
  if (!venvReady(venv)) {
    throw new Error('browser E2E: the project JupyterLab is not installed (.jupyter-local/venv). Run `npx tsx scripts/start.ts --setup-only` (.ci/run does) or `npm start` once.');
  }
  return venv.jupyter;
}

async function startLab(scratch: string): Promise<Server> {
  const settings = writeUserSettings(scratch);
  return startServer({
    jupyter: projectJupyterLab(),
    env: kernelEnv(ensureKernel()),
    scratch,
    args: (port, token) => [
      'lab', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', `--ServerApp.token=${token}`, "--ServerApp.password=''",
      `--ServerApp.root_dir=${root}`, '--LabApp.expose_app_in_browser=True', `--LabApp.user_settings_dir=${settings}`,
      '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
    ],
  });
}

async function waitForKernel(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const widget = window.jupyterapp?.shell?.currentWidget;
      const context = widget?.sessionContext;
      return Boolean(widget?.content?.widgets?.length > 0 && context?.session?.kernel && context.kernelDisplayStatus === 'idle');
    },
    undefined,
    { timeout: kernelReadyMsMax, polling: 250 },
  );
}

/** Starts Run All and waits until no cell is queued or running and the kernel is idle, twice in a row. */
async function runAll(page: Page, runAllMsMax: number): Promise<void> {
  await page.evaluate(() => {
    void window.jupyterapp.commands.execute('notebook:run-all-cells');
  });
  await sleep(1_000);
  await page.waitForFunction(
    () => {
      const widget = window.jupyterapp.shell.currentWidget;
      const prompts = Array.from(document.querySelectorAll('.jp-InputPrompt')).map((node: any) => String(node.textContent));
      const idle = !prompts.some((text) => text.includes('*')) && widget.sessionContext.kernelDisplayStatus === 'idle';
      const settled = idle && window.__distlabIdleOnce === true;
      window.__distlabIdleOnce = idle;
      return settled;
    },
    undefined,
    { timeout: runAllMsMax, polling: 1_000 },
  );
}

async function reportCells(page: Page): Promise<LabCellReport[]> {
  return page.evaluate(() => {
    const cells = window.jupyterapp.shell.currentWidget.content.widgets as any[];
    return cells
      .map((cell, index) => ({ cell, index }))
      .filter(({ cell }) => cell.model.type === 'code')
      .map(({ cell, index }) => {
        const outputs = cell.model.outputs.toJSON() as any[];
        const text = (name: string) =>
          outputs
            .filter((output) => (output.output_type === 'stream' && output.name === name) || (name === 'stderr' && output.output_type === 'error'))
            .map((output) => (Array.isArray(output.text) ? output.text.join('') : String(output.text ?? `${output.ename}: ${output.evalue}`)))
            .join('');
        const embeds = Array.from(cell.node.querySelectorAll('.vega-embed')) as any[];
        return {
          index,
          source: cell.model.sharedModel.getSource() as string,
          executionCount: cell.model.executionCount ?? null,
          stderr: text('stderr'),
          stdout: text('stdout'),
          vegaCharts: embeds.filter((embed) => embed.querySelector('svg, canvas') !== null).length,
        };
      });
  });
}

/** Opens `relative` (a path under the checkout) in JupyterLab, runs all cells, and reports. */
export async function runInJupyterLab(relative: string, name: string, runAllMsMax: number): Promise<LabRun> {
  const executablePath = findChromium();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-lab-'));
  fs.mkdirSync(artifactsDir, { recursive: true });
  const screenshot = path.join(artifactsDir, `jupyterlab-${name}.png`);
  let server: Server | null = null;
  let browser: Browser | null = null;
  try {
    server = await startLab(scratch);
    browser = await chromium.launch({ executablePath, args: chromiumArgs, timeout: 30_000 });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.base}/lab/tree/${relative}?token=${server.token}`, { waitUntil: 'load', timeout: 60_000 });
    await waitForKernel(page).catch((error: unknown) => {
      throw new Error(`JupyterLab did not open ${relative} with an idle tslab kernel within ${kernelReadyMsMax} ms (${String(error)}); server log:\n${tail(server?.log() ?? '')}`);
    });
    await runAll(page, runAllMsMax).catch((error: unknown) => {
      throw new Error(`Run All of ${relative} did not finish within ${runAllMsMax} ms (${String(error)})`);
    });
    const cells = await reportCells(page);
    await page.evaluate(() => {
      const embeds = document.querySelectorAll('.vega-embed');
      embeds[embeds.length - 1]?.scrollIntoView({ block: 'center' });
    });
    await page.waitForTimeout(300);
    await page.screenshot({ path: screenshot });
    return { cells, pageErrors, screenshot };
  } finally {
    if (browser !== null) await Promise.race([browser.close().catch(() => undefined), sleep(teardownMsMax / 2)]);
    if (server !== null) await stopServer(server);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Problems a student would see: errors on stderr, cells that never ran, plots not drawn natively. */
export function labProblems(run: LabRun): string[] {
  const problems: string[] = [];
  for (const cell of run.cells) {
    if (cell.stderr.length > 0) problems.push(`cell ${cell.index + 1} shows an error:\n${cell.stderr.slice(0, 600)}`);
    else if (cell.source.trim().length > 0 && typeof cell.executionCount !== 'number') problems.push(`cell ${cell.index + 1} never ran (execution count ${JSON.stringify(cell.executionCount)})`);
    if (/\bshow\(|runPart\(/.test(cell.source) && cell.vegaCharts === 0) problems.push(`cell ${cell.index + 1} shows a plot, but JupyterLab drew no Vega chart in it`);
  }
  if (run.pageErrors.length > 0) problems.push(`JavaScript errors on the page: ${run.pageErrors.join('; ')}`);
  return problems;
}
