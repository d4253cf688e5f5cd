/**
 * The project's own JupyterLab: a Python virtual environment in `<checkout>/.jupyter-local/venv`
 * (git-ignored, beside the kernel spec) installed from the pinned `requirements-jupyter.txt`.
 * `npm start` creates it when no `jupyter lab` is on PATH; `.ci/run` creates the same one.
 *
 * The environment is reused while a marker file holds the hash of the requirements it was
 * installed from, so a second `npm start` only checks one file.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const requirementsFileName = 'requirements-jupyter.txt';

/** Paths of the project venv in a checkout. */
export interface ProjectVenv {
  readonly dir: string;
  readonly python: string;
  readonly jupyter: string;
  readonly requirements: string;
  /** Holds the requirements' hash once an install succeeded. */
  readonly marker: string;
}

export function projectVenv(root: string): ProjectVenv {
  const dir = path.join(root, '.jupyter-local', 'venv');
  return {
    dir,
    python: path.join(dir, 'bin', 'python3'),
    jupyter: path.join(dir, 'bin', 'jupyter'),
    requirements: path.join(root, requirementsFileName),
    marker: path.join(dir, 'distlab-requirements.sha256'),
  };
}

function requirementsHash(venv: ProjectVenv): string {
  return crypto.createHash('sha256').update(fs.readFileSync(venv.requirements)).digest('hex');
}

/** True when the venv was installed from the current requirements file. */
export function venvReady(venv: ProjectVenv): boolean {
  try {
    return fs.existsSync(venv.jupyter) && fs.readFileSync(venv.marker, 'utf8').trim() === requirementsHash(venv);
  } catch {
    return false;
  }
}

/**
 * A Python 3.9+ that can create virtual environments with pip (`venv` and `ensurepip`; Debian
 * splits them into python3-venv), or null. python3 on PATH first, then Debian's.
 */
export function findVenvPython(): string | null {
  const candidates: string[] = [];
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory.length > 0) candidates.push(path.join(directory, 'python3'));
  }
  candidates.push('/usr/bin/python3', '/usr/local/bin/python3', '/opt/homebrew/bin/python3');
  for (const candidate of [...new Set(candidates)]) {
    if (!fs.existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ['-c', 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 9) else 1)'], { stdio: 'ignore', timeout: 20_000 });
    if (probe.status === 0) return candidate;
  }
  return null;
}

/** Runs a command with its output shown (pip's progress), resolving to its exit code. */
function runVisible(command: string, args: readonly string[], log: (line: string) => void): Promise<number> {
  log(`$ ${[command, ...args].join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/**
 * Creates (or updates) the venv from the requirements file, showing pip's progress. Throws
 * with what failed; the caller decides whether a fallback exists.
 */
export async function installVenv(venv: ProjectVenv, python: string, log: (line: string) => void): Promise<void> {
  if (!fs.existsSync(venv.python)) {
    if ((await runVisible(python, ['-m', 'venv', venv.dir], log)) !== 0) throw new Error(`\`${python} -m venv ${venv.dir}\` failed`);
  }
  const pip = [venv.python, '-m', 'pip', '--disable-pip-version-check'];
  const installed = await runVisible(pip[0] as string, [...pip.slice(1), 'install', '--progress-bar', 'on', '-r', venv.requirements], log);
  if (installed !== 0) throw new Error(`pip could not install ${requirementsFileName} into ${venv.dir} (exit ${installed}); is PyPI reachable?`);
  fs.writeFileSync(venv.marker, `${requirementsHash(venv)}\n`);
}
