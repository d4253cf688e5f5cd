/**
 * Runs a notebook headlessly through Jupyter with the project's tslab kernel and reports each
 * code cell. The work is done by a small nbclient script (execute_notebook.py, run with the
 * python3 that has nbclient); this module finds that interpreter, registers the kernel, and
 * turns the script's JSON into typed results.
 *
 * A cell FAILS when its reply is `error` or `abort`, when it never ran, or when it wrote
 * anything to stderr: tslab reports compile errors and exceptions only as stderr text.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureKernel, findPython, jupyterInstallAdvice, JupyterSetupError, kernelEnv, repoRoot, type KernelSetup } from './kernel';
import { readNotebook } from './ipynb';

export type CellStatus = 'ok' | 'error' | 'aborted' | 'not-run';

export interface CellRun {
  /** Position among all cells of the notebook (markdown included), as Jupyter counts. */
  readonly index: number;
  readonly status: CellStatus;
  readonly stdout: string;
  readonly stderr: string;
  /** Mime types of each display output, e.g. [['application/vnd.vegalite.v5+json', 'image/png', ...]]. */
  readonly displays: ReadonlyArray<readonly string[]>;
  readonly durationMs: number;
  readonly timedOut: boolean;
  /** status is not ok, or the cell wrote to stderr. */
  readonly failed: boolean;
}

export interface NotebookRun {
  readonly file: string;
  /** Code cells only, in order. */
  readonly cells: readonly CellRun[];
  readonly failures: readonly CellRun[];
  readonly ok: boolean;
  /** Why the run stopped early (kernel died, did not start...), or null. */
  readonly error: string | null;
  /** From launching the kernel to its first ready reply (0 when the notebook ran in a kernel shared with the notebook before it). */
  readonly kernelStartMs: number | null;
  /** True when the notebook ran in the kernel of the notebook before it (`executeNotebooks` with `shareKernel`). */
  readonly kernelReused: boolean;
  readonly durationMs: number;
}

export interface ExecuteOptions {
  /** Per-cell limit; a cell over it is interrupted and fails. */
  readonly cellTimeoutMs: number;
  /** Limit for the kernel to start; default 60 s. */
  readonly startupTimeoutMs?: number;
  /** Also save the executed notebook (with outputs) here. */
  readonly outputPath?: string;
  /** A kernel already ensured (saves a file check per notebook); default `ensureKernel()`. */
  readonly kernel?: KernelSetup;
}

/** How many times the runner starts a kernel that fails before its first cell (KERNEL_START_ATTEMPTS in execute_notebook.py). */
const kernelStartAttempts = 3;

/** Python modules the runner script imports. */
const runnerModules = ['nbclient', 'nbformat', 'jupyter_client'] as const;

let runnerPythonCache: string | null | undefined;

/** The python3 that can run the runner script, or a JupyterSetupError saying what to install. */
export function runnerPython(): string {
  if (runnerPythonCache === undefined) runnerPythonCache = findPython(runnerModules);
  if (runnerPythonCache === null) {
    throw new JupyterSetupError(
      `No python3 with nbclient, nbformat and jupyter_client was found (tried /usr/bin/python3 and python3 on PATH), ` +
        `so notebooks cannot be executed headlessly. ${jupyterInstallAdvice}`,
    );
  }
  return runnerPythonCache;
}

/** execute_notebook.py: beside this file when copied, else in the checkout's src/notebook. */
export function runnerScript(): string {
  const beside = path.join(__dirname, 'execute_notebook.py');
  if (fs.existsSync(beside)) return beside;
  const inSource = path.join(repoRoot(), 'src', 'notebook', 'execute_notebook.py');
  if (fs.existsSync(inSource)) return inSource;
  throw new JupyterSetupError(`execute_notebook.py not found beside ${__filename} nor at ${inSource}.`);
}

interface RawCell {
  index: number;
  status: CellStatus;
  stdout: string;
  stderr: string;
  displays: string[][];
  duration_s: number;
  timed_out?: boolean;
}

interface RawResult {
  kernel_start_s: number | null;
  kernel_reused?: boolean;
  duration_s: number;
  error: string | null;
  cells: RawCell[];
}

/**
 * Executes a notebook and reports every code cell. Cells after a failing one still run
 * (tslab's 200 ms abort window is waited out).
 *
 * @example
 *   const run = await executeNotebook('notebooks/00-runtime-tour.ipynb', { cellTimeoutMs: 60_000 });
 *   if (!run.ok) console.error(describeRun(run));
 */
export async function executeNotebook(file: string, options: ExecuteOptions): Promise<NotebookRun> {
  const [run] = await executeNotebooks([{ file, ...(options.outputPath === undefined ? {} : { outputPath: options.outputPath }) }], { ...options, shareKernel: false });
  return run as NotebookRun;
}

/** One notebook of `executeNotebooks`, and where to save it executed (optional). */
export interface NotebookToRun {
  readonly file: string;
  readonly outputPath?: string;
}

/**
 * Executes several notebooks one after another and reports each (in the order given). With
 * `shareKernel` (tests, where notebooks are independent), the notebooks of one folder run in
 * one kernel: between two notebooks the kernel forgets every declaration and value (see
 * `resetCellSource` in tslab-kernel.ts), so each starts from an empty namespace, and only the
 * kernel's start-up (TypeScript's libraries, the first import of distlab: about 5 s of CPU) is
 * paid once per folder instead of once per notebook. Modules stay loaded, so module-level
 * state of a library a notebook imports does carry over; `distlab notebook run` never shares.
 *
 * @example
 *   const runs = await executeNotebooks(['notebooks/00-runtime-tour.ipynb', 'notebooks/01-introduction-and-mapreduce.ipynb'].map((file) => ({ file })), { cellTimeoutMs: 120_000, shareKernel: true });
 */
export async function executeNotebooks(notebooks: readonly NotebookToRun[], options: Omit<ExecuteOptions, 'outputPath'> & { readonly shareKernel: boolean }): Promise<NotebookRun[]> {
  const absolute = notebooks.map((notebook) => ({ ...notebook, file: path.resolve(notebook.file) }));
  const folders = new Map<string, Array<NotebookToRun & { readonly position: number }>>();
  absolute.forEach((notebook, position) => {
    const folder = options.shareKernel ? path.dirname(notebook.file) : `${position}`;
    folders.set(folder, [...(folders.get(folder) ?? []), { ...notebook, position }]);
  });
  const runs: NotebookRun[] = [];
  for (const group of folders.values()) {
    const groupRuns = await executeInOneProcess(group, options);
    group.forEach((notebook, index) => (runs[notebook.position] = groupRuns[index] as NotebookRun));
  }
  return runs;
}

/** One runner process (execute_notebook.py) for notebooks of one folder; a shared kernel when asked. */
async function executeInOneProcess(notebooks: readonly NotebookToRun[], options: Omit<ExecuteOptions, 'outputPath'> & { readonly shareKernel: boolean }): Promise<NotebookRun[]> {
  const codeCellCount = notebooks.reduce((total, notebook) => total + readNotebook(notebook.file).cells.filter((cell) => cell.cell_type === 'code').length, 0); // validates first
  const kernel = options.kernel ?? ensureKernel();
  const python = runnerPython();
  const startupTimeoutMs = options.startupTimeoutMs ?? 60_000;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-nb-'));
  try {
    const requestFile = path.join(scratch, 'request.json');
    const resultFile = path.join(scratch, 'result.json');
    fs.writeFileSync(
      requestFile,
      JSON.stringify({
        notebooks: notebooks.map((notebook) => ({ notebook: notebook.file, output: notebook.outputPath === undefined ? null : path.resolve(notebook.outputPath) })),
        kernel: kernel.kernelName,
        cell_timeout_s: Math.max(1, Math.ceil(options.cellTimeoutMs / 1000)),
        startup_timeout_s: Math.max(1, Math.ceil(startupTimeoutMs / 1000)),
        share_kernel: options.shareKernel,
      }),
    );
    // The whole run is bounded too: every kernel start attempt and every cell at its limit, plus slack.
    const runTimeoutMs = notebooks.length * kernelStartAttempts * startupTimeoutMs + (codeCellCount + notebooks.length) * (options.cellTimeoutMs + 5_000) + 30_000;
    const child = await runChild(python, [runnerScript(), requestFile, resultFile], kernelEnv(kernel), runTimeoutMs);
    if (!fs.existsSync(resultFile)) {
      const missingModule = /distlab-missing-module: (.*)/.exec(child.stderr);
      if (missingModule !== null) {
        throw new JupyterSetupError(`${python} cannot import ${missingModule[1]}. ${jupyterInstallAdvice}`);
      }
      throw new Error(
        `Running ${notebooks.map((notebook) => notebook.file).join(', ')} through Jupyter failed ` +
          `(${child.timedOut ? `no result after ${runTimeoutMs} ms` : `exit ${String(child.status)}`}):\n` +
          child.stderr.trim().split('\n').slice(-20).join('\n'),
      );
    }
    const { runs } = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as { runs: RawResult[] };
    return runs.map((raw, index) => toRun((notebooks[index] as NotebookToRun).file, raw));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function toRun(file: string, raw: RawResult): NotebookRun {
  const cells = raw.cells.map((cell): CellRun => {
    const failed = cell.status !== 'ok' || cell.stderr.trim().length > 0;
    return {
      index: cell.index,
      status: cell.status,
      stdout: cell.stdout,
      stderr: cell.stderr,
      displays: cell.displays,
      durationMs: Math.round(cell.duration_s * 1000),
      timedOut: cell.timed_out === true,
      failed,
    };
  });
  const failures = cells.filter((cell) => cell.failed);
  return {
    file,
    cells,
    failures,
    ok: failures.length === 0 && raw.error === null,
    error: raw.error,
    kernelStartMs: raw.kernel_start_s === null ? null : Math.round(raw.kernel_start_s * 1000),
    kernelReused: raw.kernel_reused === true,
    durationMs: Math.round(raw.duration_s * 1000),
  };
}

/**
 * A readable report of a run's failures (empty string when it passed): each failing cell by its
 * number counting every cell from 1 (what a person counts top to bottom), why, and its error text.
 */
export function describeRun(run: NotebookRun): string {
  const lines: string[] = [];
  if (run.error !== null) lines.push(`${run.file}: the run stopped early: ${run.error}`);
  for (const cell of run.failures) {
    const why = cell.timedOut ? 'timed out' : cell.status === 'ok' ? 'wrote to stderr' : cell.status === 'aborted' ? 'aborted by the kernel' : cell.status;
    lines.push(`${path.relative(process.cwd(), run.file) || run.file}: cell ${cell.index + 1} failed (${why})`);
    const stderr = cellErrorText(cell.stderr);
    if (stderr.length > 0) lines.push(...stderr.split('\n').slice(0, 15).map((line) => `    ${line}`));
    else if (cell.status === 'not-run') lines.push('    (never ran: an earlier cell stopped the kernel or the run)');
  }
  return lines.join('\n');
}

/** Stack frames of the kernel itself, not of the notebook's code. */
const kernelFrame = /^\s*at .*(node:vm|node:internal|node_modules\/tslab|sigintHandlersWrap|evalmachine\.<anonymous>:\d+:\d+\)?$)/;

/**
 * What tslab wrote to stderr, without its preamble (`evalmachine.<anonymous>:2`, the source
 * line and a caret) and without the kernel's own stack frames: the error line and the frames
 * of the user's code remain.
 */
export function cellErrorText(stderr: string): string {
  const lines = stderr.trim().split('\n');
  const errorLine = lines.findIndex((line) => /^[\w.]*(Error|Exception)\b.*:/.test(line));
  const start = lines[0]?.startsWith('evalmachine.') && errorLine !== -1 ? errorLine : 0;
  return lines.slice(start).filter((line) => !kernelFrame.test(line)).join('\n').trim();
}

interface ChildResult {
  status: number | null;
  stderr: string;
  timedOut: boolean;
}

/** Runs a child process to completion, keeping the last 64 KB of its stderr, killing it at the limit. */
function runChild(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-65_536);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr, timedOut });
    });
  });
}
