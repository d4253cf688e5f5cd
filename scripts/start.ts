/**
 * `npm start` (after `npm run build`): opens the course in JupyterLab 4.
 *
 *   1. JupyterLab: the project's own (.jupyter-local/venv, from requirements-jupyter.txt), else
 *      `jupyter lab` on PATH, else it installs the project's own when a Python 3 with venv is
 *      there (once, a minute or two, pip's progress shown; later starts reuse it);
 *   2. the classic `jupyter notebook` on PATH as a fallback;
 *   3. otherwise one message saying what to install.
 *
 * Then it registers the tslab kernel in .jupyter-local and starts Jupyter on the checkout,
 * opening notebooks/. Extra arguments go to Jupyter: `npm start -- --no-browser --port 8899`.
 * `--setup-only` (used by .ci/run) installs the project's JupyterLab and the kernel, then exits.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureKernel, JupyterSetupError, kernelEnv, repoRoot } from '../src/notebook';
import { findVenvPython, installVenv, projectVenv, venvReady } from '../src/notebook/jupyter-env';

type Frontend = { readonly jupyter: string; readonly kind: 'lab' | 'notebook'; readonly origin: string };

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

function startJupyter(frontend: Frontend, root: string, env: NodeJS.ProcessEnv, extra: readonly string[]): void {
  const args =
    frontend.kind === 'lab'
      ? ['lab', `--ServerApp.root_dir=${root}`, '--LabApp.default_url=/lab/tree/notebooks']
      : ['notebook', `--notebook-dir=${root}`, '--NotebookApp.default_url=/tree/notebooks'];
  // Containers often run as root, which Jupyter refuses without this flag.
  if (process.getuid?.() === 0 && !extra.includes('--allow-root')) args.push('--allow-root');
  args.push(...extra);
  log(`starting ${frontend.origin}: ${path.basename(frontend.jupyter)} ${args.join(' ')}`);
  const child = spawn(frontend.jupyter, args, { env, stdio: 'inherit', cwd: root });
  // Ctrl-C reaches Jupyter directly (same process group); keep this process alive until it exits.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
}

async function main(): Promise<void> {
  const setupOnly = process.argv.includes('--setup-only');
  const root = repoRoot();
  const frontend = await findFrontend(root, setupOnly);
  if (frontend === null) throw new JupyterSetupError(noJupyterAdvice);
  const kernel = ensureKernel({ root });
  log(`tslab kernel registered in ${path.relative(root, kernel.jupyterPath)}${kernel.installed ? ' (just now)' : ''}`);
  if (setupOnly) {
    log(`ready: ${frontend.origin}`);
    return;
  }
  startJupyter(frontend, root, kernelEnv(kernel), process.argv.slice(2));
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
