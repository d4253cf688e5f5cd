/**
 * Registers the tslab kernel project-locally, so notebooks run with this checkout's tslab (and
 * therefore with display bundles working, see src/plot/display.ts) without touching the user's
 * Jupyter configuration:
 *
 *   node_modules/.bin/tslab install --python=<python3 with jupyter_client and IPython>
 *                                   --binary=<abs path of node_modules/.bin/tslab>
 *                                   --prefix=<repo>/.jupyter-local
 *
 * Jupyter finds it through JUPYTER_PATH=<repo>/.jupyter-local/share/jupyter. tslab writes a
 * bare `tslab` as the kernel command by default; we pin the absolute path with --binary and also
 * put node_modules/.bin on PATH (`kernelEnv`), so either form of kernel.json works.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectVenv } from './jupyter-env';

/** What a process needs to launch the project's tslab kernel. */
export interface KernelSetup {
  /** The checkout root (holds package.json and node_modules/tslab). */
  readonly root: string;
  /** Value to prepend to JUPYTER_PATH: `<root>/.jupyter-local/share/jupyter`. */
  readonly jupyterPath: string;
  /** `<root>/node_modules/.bin`, to prepend to PATH. */
  readonly binDir: string;
  /** The kernel spec name to ask for. */
  readonly kernelName: 'tslab';
  /** True when this call ran `tslab install`; false when the spec was already in place. */
  readonly installed: boolean;
}

/** An environment problem a person must fix; the message says how. */
export class JupyterSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JupyterSetupError';
  }
}

/** The apt/pip advice every "Jupyter is missing" message ends with. */
export const jupyterInstallAdvice =
  'Install Jupyter: on Debian/Ubuntu `sudo apt-get install jupyter-notebook python3-nbclient jupyter-nbconvert`; ' +
  'elsewhere `pip install jupyterlab` (it brings nbclient).';

/**
 * The checkout root: the nearest ancestor of `start` with a package.json and node_modules/tslab
 * (dist/ has its own generated package.json, hence the second condition).
 */
export function repoRoot(start: string = __dirname): string {
  let directory = path.resolve(start);
  for (let depth = 0; depth < 32; depth += 1) {
    if (
      fs.existsSync(path.join(directory, 'package.json')) &&
      fs.existsSync(path.join(directory, 'node_modules', 'tslab', 'package.json'))
    ) {
      return directory;
    }
    const parent = path.dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  throw new JupyterSetupError(
    `Cannot find the distlab checkout above ${start} (a folder with package.json and node_modules/tslab). ` +
      'Run `npm install` in the checkout first.',
  );
}

/**
 * The first python3 that can import all `modules`: the project's own venv (.jupyter-local/venv,
 * pinned JupyterLab) when there is one, then Debian's /usr/bin/python3 (another python3, e.g.
 * pyenv's, often comes first on PATH and lacks Jupyter), then python3 on PATH.
 * Returns null when none can.
 */
export function findPython(modules: readonly string[]): string | null {
  const candidates = ['/usr/bin/python3'];
  try {
    candidates.unshift(projectVenv(repoRoot()).python);
  } catch {
    // not inside a checkout: no project venv
  }
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (directory.length > 0) candidates.push(path.join(directory, 'python3'));
  }
  candidates.push('/usr/local/bin/python3', '/opt/homebrew/bin/python3');
  const tried = new Set<string>();
  for (const candidate of candidates) {
    if (tried.has(candidate) || !fs.existsSync(candidate)) continue;
    tried.add(candidate);
    const probe = spawnSync(candidate, ['-c', modules.map((name) => `import ${name}`).join('; ')], {
      stdio: 'ignore',
      timeout: 20_000,
    });
    if (probe.status === 0) return candidate;
  }
  return null;
}

function kernelSpecFile(root: string): string {
  return path.join(root, '.jupyter-local', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
}

/** True when the spec exists and its command points at this checkout's tslab. */
function kernelSpecCurrent(root: string, binary: string): boolean {
  try {
    const spec = JSON.parse(fs.readFileSync(kernelSpecFile(root), 'utf8')) as { argv?: unknown };
    return Array.isArray(spec.argv) && spec.argv[0] === binary && fs.existsSync(binary);
  } catch {
    return false;
  }
}

/**
 * Registers the tslab kernel in `<root>/.jupyter-local` unless it is already there; returns how
 * to reach it. Fast (one file read) when already registered.
 *
 * @example
 *   const kernel = ensureKernel();
 *   spawn('jupyter', ['notebook'], { env: kernelEnv(kernel) });
 */
export function ensureKernel(options: { root?: string } = {}): KernelSetup {
  const root = options.root ?? repoRoot();
  const binDir = path.join(root, 'node_modules', '.bin');
  const binary = path.join(binDir, 'tslab');
  const jupyterPath = path.join(root, '.jupyter-local', 'share', 'jupyter');
  const setup = { root, jupyterPath, binDir, kernelName: 'tslab' as const };
  if (kernelSpecCurrent(root, binary)) return { ...setup, installed: false };
  if (!fs.existsSync(binary)) {
    throw new JupyterSetupError(`${binary} is missing; run \`npm install\` in ${root}.`);
  }
  const python = findPython(['jupyter_client', 'IPython']);
  if (python === null) {
    throw new JupyterSetupError(
      'No python3 that can import jupyter_client and IPython was found ' +
        `(tried /usr/bin/python3 and python3 on PATH). ${jupyterInstallAdvice}`,
    );
  }
  const install = spawnSync(
    binary,
    ['install', `--python=${python}`, `--binary=${binary}`, `--prefix=${path.join(root, '.jupyter-local')}`],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  if (install.status !== 0 || !kernelSpecCurrent(root, binary)) {
    throw new JupyterSetupError(
      `\`tslab install --python=${python}\` failed (exit ${String(install.status)}): ` +
        `${(install.stderr || install.stdout || '').trim()}\n${jupyterInstallAdvice}`,
    );
  }
  return { ...setup, installed: true };
}

/** `base` with JUPYTER_PATH and PATH extended so Jupyter finds and can launch the kernel. */
export function kernelEnv(setup: KernelSetup, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const prepend = (entry: string, current: string | undefined): string =>
    current === undefined || current.length === 0 ? entry : `${entry}${path.delimiter}${current}`;
  return {
    ...base,
    JUPYTER_PATH: prepend(setup.jupyterPath, base.JUPYTER_PATH),
    PATH: prepend(setup.binDir, base.PATH),
  };
}
