/**
 * Registers the tslab kernel project-locally, so notebooks run with this checkout's tslab (and
 * therefore with display bundles working, see src/plot/display.ts) without touching the user's
 * Jupyter configuration: one kernel spec, `<repo>/.jupyter-local/share/jupyter/kernels/tslab/
 * kernel.json`, whose command is
 *
 *   <node> <repo>/dist/src/notebook/tslab-kernel.js --config-path {connection_file}
 *
 * (tslab's kernel with a safe start-up order, see tslab-kernel.ts). Jupyter finds it through
 * JUPYTER_PATH=<repo>/.jupyter-local/share/jupyter (`kernelEnv`).
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
  /** True when this call wrote the kernel spec; false when it was already in place. */
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

/** The kernel spec this checkout needs: node running the built kernel launcher. */
function kernelSpec(root: string): { argv: string[]; display_name: string; language: string } {
  const launcher = path.join(root, 'dist', 'src', 'notebook', 'tslab-kernel.js');
  return { argv: [process.execPath, launcher, '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' };
}

/**
 * True when the spec on disk is `wanted`. The launcher it names may not be built yet (CI
 * registers the kernel before `npm test` builds); notebooks need the build anyway.
 */
function kernelSpecCurrent(root: string, wanted: { argv: string[] }): boolean {
  try {
    const spec = JSON.parse(fs.readFileSync(kernelSpecFile(root), 'utf8')) as { argv?: unknown };
    return JSON.stringify(spec.argv) === JSON.stringify(wanted.argv);
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
  const jupyterPath = path.join(root, '.jupyter-local', 'share', 'jupyter');
  const setup = { root, jupyterPath, binDir, kernelName: 'tslab' as const };
  const spec = kernelSpec(root);
  if (kernelSpecCurrent(root, spec)) return { ...setup, installed: false };
  const tslab = path.join(root, 'node_modules', 'tslab', 'dist', 'main.js');
  if (!fs.existsSync(tslab)) throw new JupyterSetupError(`${tslab} is missing; run \`npm install\` in ${root}.`);
  // Written next to itself and renamed: a kernel starting in another process never reads half a file.
  const file = kernelSpecFile(root);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, `${JSON.stringify(spec, null, 1)}\n`);
  fs.renameSync(partial, file);
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
