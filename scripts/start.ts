/**
 * `npm start` (after `npm run build`): registers the project's tslab kernel, then starts
 * JupyterLab if it is installed, else the classic Notebook, serving the checkout root and
 * opening notebooks/. Extra arguments go to Jupyter: `npm start -- --no-browser --port 8899`.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureKernel, JupyterSetupError, jupyterInstallAdvice, kernelEnv } from '../src/notebook';

type Frontend = { readonly jupyter: string; readonly kind: 'lab' | 'notebook' };

/** `jupyter` on PATH first, then Debian's. */
function jupyterCandidates(): string[] {
  const found: string[] = [];
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(directory, 'jupyter');
    if (directory.length > 0 && fs.existsSync(candidate)) found.push(candidate);
  }
  if (fs.existsSync('/usr/bin/jupyter')) found.push('/usr/bin/jupyter');
  return [...new Set(found)];
}

function runs(jupyter: string, subcommand: string, env: NodeJS.ProcessEnv): boolean {
  const probe = spawnSync(jupyter, [subcommand, '--version'], { env, stdio: 'ignore', timeout: 30_000 });
  return probe.status === 0;
}

function findFrontend(env: NodeJS.ProcessEnv): Frontend | null {
  const candidates = jupyterCandidates();
  for (const jupyter of candidates) if (runs(jupyter, 'lab', env)) return { jupyter, kind: 'lab' };
  for (const jupyter of candidates) if (runs(jupyter, 'notebook', env)) return { jupyter, kind: 'notebook' };
  return null;
}

function main(): void {
  let kernel;
  try {
    kernel = ensureKernel();
  } catch (error) {
    if (error instanceof JupyterSetupError) {
      process.stderr.write(`npm start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const env = kernelEnv(kernel);
  const frontend = findFrontend(env);
  if (frontend === null) {
    process.stderr.write(`npm start: neither \`jupyter lab\` nor \`jupyter notebook\` is installed. ${jupyterInstallAdvice}\n`);
    process.exit(1);
  }
  const args =
    frontend.kind === 'lab'
      ? ['lab', `--ServerApp.root_dir=${kernel.root}`, '--LabApp.default_url=/lab/tree/notebooks']
      : ['notebook', `--notebook-dir=${kernel.root}`, '--NotebookApp.default_url=/tree/notebooks'];
  // Containers often run as root, which Jupyter refuses without this flag.
  if (process.getuid?.() === 0 && !process.argv.includes('--allow-root')) args.push('--allow-root');
  args.push(...process.argv.slice(2));
  process.stdout.write(
    `distlab: tslab kernel registered in ${kernel.jupyterPath}${kernel.installed ? ' (just now)' : ''}\n` +
      `distlab: starting ${frontend.jupyter} ${args.join(' ')}\n`,
  );
  const child = spawn(frontend.jupyter, args, { env, stdio: 'inherit', cwd: kernel.root });
  // Ctrl-C reaches Jupyter directly (same process group); keep this process alive until it exits.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
}

main();
