/**
 * What `npm start` runs (`npm run build && exec node dist/src/notebook/start.js`): opens the
 * course in JupyterLab 4.
 *
 *   1. JupyterLab: the project's own (.jupyter-local/venv, from requirements-jupyter.txt), else
 *      `jupyter lab` on PATH, else it installs the project's own when a Python 3 with venv is
 *      there (once, a minute or two, pip's progress shown; later starts reuse it);
 *   2. the classic `jupyter notebook` on PATH as a fallback;
 *   3. otherwise one message saying what to install.
 *
 * Then it registers the tslab kernel in .jupyter-local and starts Jupyter on the checkout,
 * opening notebooks/. Extra arguments go to Jupyter: `npm start -- --no-browser --port 8899`.
 * `--setup-only` (used by .ci/run, through scripts/start.ts before the build) installs the
 * project's JupyterLab and the kernel, then exits.
 *
 * Jupyter never outlives `npm start` (`superviseJupyter`): this process is what npm signals
 * (the script `exec`s node, so no shell in between swallows npm's SIGTERM), it stays until
 * Jupyter has exited, and Jupyter and its kernels have guards of their own for when this
 * process dies without a word (orphan-guard.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureKernel, JupyterSetupError, kernelEnv, repoRoot } from './kernel';
import { findVenvPython, installVenv, projectVenv, venvReady } from './jupyter-env';
import { onOrphaned, parentDeathPrefix } from './orphan-guard';

type Frontend = { readonly jupyter: string; readonly kind: 'lab' | 'notebook'; readonly origin: string };

/** After SIGTERM, how long Jupyter gets to shut its kernels down before it is killed. */
export const jupyterStopGraceMs = 15_000;

const log = (line: string): void => void process.stdout.write(`distlab: ${line}\n`);

const noJupyterAdvice =
  'npm start needs Python 3 with venv to install JupyterLab into .jupyter-local/venv ' +
  '(Debian/Ubuntu: `sudo apt-get install python3-venv`; macOS: `brew install python`), ' +
  'or a JupyterLab of your own (`pip install jupyterlab`); then run `npm start` again.';

/** `jupyter` executables on PATH, then Debian's. */
function jupyterCandidates(): string[] {
  const found: string[] = [];
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(directory, 'jupyter');
    if (directory.length > 0 && fs.existsSync(candidate)) found.push(candidate);
  }
  if (fs.existsSync('/usr/bin/jupyter')) found.push('/usr/bin/jupyter');
  return [...new Set(found)];
}

function runs(jupyter: string, subcommand: string): boolean {
  return spawnSync(jupyter, [subcommand, '--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

/** JupyterLab if it can be had (installing the project's own), else the classic Notebook, else null. */
async function findFrontend(root: string, setupOnly: boolean): Promise<Frontend | null> {
  const venv = projectVenv(root);
  if (venvReady(venv)) return { jupyter: venv.jupyter, kind: 'lab', origin: 'the project JupyterLab (.jupyter-local/venv)' };
  const candidates = jupyterCandidates();
  if (!setupOnly) for (const jupyter of candidates) if (runs(jupyter, 'lab')) return { jupyter, kind: 'lab', origin: jupyter };
  const python = findVenvPython();
  if (python !== null) {
    log(`installing JupyterLab 4 into .jupyter-local/venv from requirements-jupyter.txt (once; a minute or two)`);
    try {
      await installVenv(venv, python, log);
      log('JupyterLab installed; later starts reuse it');
      return { jupyter: venv.jupyter, kind: 'lab', origin: 'the project JupyterLab (.jupyter-local/venv)' };
    } catch (error) {
      if (setupOnly) throw error;
      log(`could not install JupyterLab: ${(error as Error).message}`);
    }
  }
  for (const jupyter of candidates) if (runs(jupyter, 'notebook')) return { jupyter, kind: 'notebook', origin: `${jupyter} (classic Notebook; JupyterLab draws the plots better)` };
  return null;
}

function jupyterArgs(frontend: Frontend, root: string, extra: readonly string[]): string[] {
  const args =
    frontend.kind === 'lab'
      ? ['lab', `--ServerApp.root_dir=${root}`, '--LabApp.default_url=/lab/tree/notebooks']
      : ['notebook', `--notebook-dir=${root}`, '--NotebookApp.default_url=/tree/notebooks'];
  // Containers often run as root, which Jupyter refuses without this flag.
  if (process.getuid?.() === 0 && !extra.includes('--allow-root')) args.push('--allow-root');
  args.push(...extra);
  return args;
}

/**
 * Keeps this process alive exactly as long as Jupyter, and Jupyter no longer than this process:
 *  - SIGTERM or SIGHUP (npm forwarding `timeout`'s or a process manager's stop, a closed
 *    terminal) is passed to Jupyter, which shuts its kernels down; SIGKILL follows after
 *    `jupyterStopGraceMs` if it has not exited;
 *  - SIGINT is not passed on: Ctrl-C in a terminal reaches Jupyter itself (same process group),
 *    which asks whether to shut down; passing it on would skip that question;
 *  - if npm (our parent) dies, Jupyter is stopped the same way;
 *  - when Jupyter exits, this process exits with its status.
 */
export function superviseJupyter(child: ChildProcess): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), jupyterStopGraceMs).unref();
  };
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  onOrphaned(stop);
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
}

function startJupyter(frontend: Frontend, root: string, env: NodeJS.ProcessEnv, extra: readonly string[]): void {
  const args = jupyterArgs(frontend, root, extra);
  log(`starting ${frontend.origin}: ${path.basename(frontend.jupyter)} ${args.join(' ')}`);
  // On Linux the kernel sends Jupyter SIGTERM if this process dies even by SIGKILL, when no handler of ours runs.
  const [command, ...prefixed] = [...parentDeathPrefix('TERM'), frontend.jupyter, ...args] as [string, ...string[]];
  superviseJupyter(spawn(command, prefixed, { env, stdio: 'inherit', cwd: root }));
}

export async function startCourse(argv: readonly string[]): Promise<void> {
  const setupOnly = argv.includes('--setup-only');
  const root = repoRoot();
  const frontend = await findFrontend(root, setupOnly);
  if (frontend === null) throw new JupyterSetupError(noJupyterAdvice);
  const kernel = ensureKernel({ root });
  log(`tslab kernel registered in ${path.relative(root, kernel.jupyterPath)}${kernel.installed ? ' (just now)' : ''}`);
  if (setupOnly) {
    log(`ready: ${frontend.origin}`);
    return;
  }
  startJupyter(frontend, root, kernelEnv(kernel), argv);
}

/** Runs `startCourse` as a program: a failure is one line on stderr and exit code 1. */
export function startCourseMain(argv: readonly string[]): void {
  startCourse(argv).catch((error: unknown) => {
    process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

if (require.main === module) startCourseMain(process.argv.slice(2));
